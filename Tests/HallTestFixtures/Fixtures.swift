/// Hall data for tests: small and independent of the default hall, so tests pin the
/// code's rules rather than the shipped vocabulary.

/// A small county hall on two floors, joined by stairs and a lift.
public let twoFloorMap = """
format: 1
hall:
  id: county-hall
  name: {zh: 县政务大厅, en: County Hall}
levels:
  - {id: F1, name: {zh: 一层, en: Floor 1}}
  - {id: F2, name: {zh: 二层, en: Floor 2}}
areas:
  - {id: ground, level: F1, name: {zh: 一楼大厅, en: Ground Hall}, rect: [0, 0, 40, 20]}
nodes:
  - {id: door, level: F1, at: [20, 0]}
  - {id: hall, level: F1, at: [20, 10], landmark: {zh: 服务台, en: the service desk}}
  - {id: stairs-1, level: F1, at: [35, 10]}
  - {id: lift-1, level: F1, at: [5, 10]}
  - {id: stairs-2, level: F2, at: [35, 10]}
  - {id: lift-2, level: F2, at: [5, 10]}
  - {id: upstairs, level: F2, at: [20, 10]}
  - {id: window-stand-1, level: F1, at: [20, 15]}
  - {id: window-stand-2, level: F2, at: [20, 15]}
edges:
  - {from: door, to: hall, kind: door}
  - {from: hall, to: stairs-1}
  - {from: hall, to: lift-1}
  - {from: stairs-1, to: stairs-2, kind: stairs, length: 12}
  - {from: lift-1, to: lift-2, kind: lift, length: 20}
  - {from: stairs-2, to: upstairs}
  - {from: lift-2, to: upstairs}
  - {from: hall, to: window-stand-1}
  - {from: upstairs, to: window-stand-2}
places:
  - {id: front-door, kind: door, name: {zh: 正门, en: the main door}, node: door}
  - {id: tax, kind: zone, name: {zh: 税务, en: the tax windows}, area: ground}
  - id: restroom
    kind: facility
    name: {zh: 卫生间, en: the restrooms}
    instances:
      - {node: lift-1, at: [4, 11]}
      - {node: upstairs, at: [20, 12]}
windows:
  - {number: 1, zone: tax, node: window-stand-1, at: [20, 17]}
  - {number: 2, zone: tax, node: window-stand-2, at: [20, 17]}
stations:
  - {id: robot-door, kind: robot, node: door, facing: north}
"""

/// A small, independent intent set, so these tests pin the matcher's rules rather than
/// the default hall's vocabulary.
public let fixtureIntents = """
intents:
  - id: passport
    destination: passport
    keywords: {zh: [护照, 出入境, 港澳通行证], en: [passport]}
    answer: {zh: 护照在1号窗口。, en: Passports at window 1.}
  - id: driving
    destination: driving
    keywords: {zh: [驾照, 驾驶证], en: [driving licence, "driver's license"]}
    weak: {zh: [开车]}
    answer: {zh: 驾照在2号窗口。, en: Driving licences at window 2.}
  - id: id-card
    destination: id-card
    keywords: {zh: [身份证, 户口], en: [id card]}
    answer: {zh: 身份证在3号窗口。, en: ID cards at window 3.}
  - id: social
    destination: social
    keywords: {zh: [社保, 养老保险]}
    answer: {zh: 社保在4号窗口。, en: Social insurance at window 4.}
  - id: medical
    destination: medical
    keywords: {zh: [医保, 医疗保险, 报销]}
    answer: {zh: 医保在5号窗口。, en: Medical insurance at window 5.}
  - id: housing
    destination: housing
    keywords: {zh: [房屋买卖, 二手房]}
    exclude: {zh: [公证]}
    answer: {zh: 房屋交易在6号窗口。, en: Housing at window 6.}
  - id: notary
    destination: notary
    keywords: {zh: [公证, 公证处]}
    answer: {zh: 公证在7号窗口。, en: Notary at window 7.}
  - id: restroom
    destination: restroom
    keywords: {zh: [厕所, 卫生间, 去厕所], en: [toilet, restroom]}
    answer: {zh: 卫生间在两侧。, en: Restrooms are on both sides.}
"""

public let fixtureTables = """
ambiguous:
  - {term: 保险, candidates: [social, medical]}
  - {term: 办证, candidates: [passport, driving, id-card]}
negation:
  zh: [不, 不办, 不是, 不要, 不去]
  en: [not, "don't"]
negation_exceptions:
  zh: [不知道, 不到, 不好意思]
out_of_scope:
  zh: [天气, 下雨, 唱歌, 结婚登记]
  en: [weather]
"""


/// Where a serial device is: a path, or a USB adapter's serial number (stable across
/// re-plugging, unlike /dev/ttyUSB0).
public enum SerialPortName: Sendable, Hashable, CustomStringConvertible {
    case path(String)
    case usbSerial(String)

    public var description: String {
        switch self {
        case .path(let p): p
        case .usbSerial(let s): "usb-serial:\(s)"
        }
    }
}

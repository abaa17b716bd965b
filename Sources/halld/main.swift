print("halld: not yet")

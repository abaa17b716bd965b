print("hallsim: not yet")

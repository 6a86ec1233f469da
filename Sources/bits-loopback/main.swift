print("bits-loopback")

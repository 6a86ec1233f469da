print("bitsnoop")

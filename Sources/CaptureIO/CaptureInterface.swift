/// An interface libpcap can capture on, as `bitsnoop live --list-interfaces` shows it.
public struct CaptureInterface: Hashable, Sendable {
    /// The name to give `-i`.
    public var name: String
    /// libpcap's description, if any.
    public var description: String?
    /// Whether it is a loopback interface.
    public var isLoopback: Bool
    /// Whether it is up.
    public var isUp: Bool
    /// Whether it is running.
    public var isRunning: Bool

    /// Creates a record.
    public init(name: String, description: String?, isLoopback: Bool, isUp: Bool, isRunning: Bool) {
        self.name = name
        self.description = description
        self.isLoopback = isLoopback
        self.isUp = isUp
        self.isRunning = isRunning
    }
}

/// `value` as `dump` prints it: every stored property, nested ones included, so that two values of
/// a type without `Equatable` (or whose `==` leaves fields out) can be compared field by field.
public func dumped<Value>(_ value: Value) -> String {
    var text = ""
    dump(value, to: &text)
    return text
}

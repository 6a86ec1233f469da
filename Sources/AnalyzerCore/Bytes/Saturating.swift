extension FixedWidthInteger {
    /// `self + other`, or the type's maximum (minimum, for a negative `other`) when the sum does not
    /// fit: counters and offsets built from wire values grow this way instead of trapping. The one
    /// saturating add of the project.
    @inlinable
    public func saturatingAdding(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other < 0 ? .min : .max
    }
}

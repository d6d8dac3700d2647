/// Where a value falls along a chart's axis, in whole pixels. A capture's
/// times can run backwards or jump by centuries; a fraction outside the
/// axis is kept just outside it, never converted into an `Int` that
/// overflows (the formats fuzzer found that trap).
enum ChartScale {
    static func offset(_ value: Int64, of span: Double, length: Int) -> Int {
        let fraction = Double(value) / max(span, 1)
        guard fraction.isFinite else { return 0 }
        return Int((min(max(fraction, -0.05), 1.05) * Double(length)).rounded(.down))
    }
}

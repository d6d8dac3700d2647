@testable import Report
import Testing

/// How durations read in the text formats, including negative ones: capture
/// time runs backwards when a file is read twice, interfaces' clocks
/// differ, or NTP steps the clock.
struct TimeTextTests {
    @Test(arguments: [
        (Int64(0), "0.000"),
        (12_345_678, "12.346"),
        (499, "0.000"),
        (500, "0.001"),
        (-499, "0.000"),
        (-500, "-0.001"),
        (-49_000, "-0.049"),
        (-1_500_000, "-1.500"),
        (-60_000_000_000, "-60000.000"),
        (Int64.min, "-9223372036854.776"),
    ])
    func milliseconds(nanoseconds: Int64, text: String) {
        #expect(TimeText.milliseconds(nanoseconds) == text)
    }
}

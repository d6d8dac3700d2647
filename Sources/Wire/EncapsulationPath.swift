/// The layers a connection's segments came through, each layer once, in
/// the order first seen: what a record reports. A connection seen through
/// two tunnels (a relay that changed, GTP-U's TEID each way) names both.
///
/// At most `SegmentDecoder.maximumLayers` layers are named, whatever the
/// traffic: a connection whose every packet came through another label or
/// key would otherwise name thousands. The segments that came through a
/// layer beyond those are counted instead (`unlistedSegments`).
public struct EncapsulationPath: Hashable, Sendable {
    public private(set) var layers: [EncapsulationLayer]
    /// Counted up to UInt32.max, where it stays: a connection keeps 4 bytes for it.
    private var storedUnlistedSegments: UInt32

    /// Segments that came through a layer not in `layers`, the list being full.
    public var unlistedSegments: Int { Int(storedUnlistedSegments) }

    public static let none = EncapsulationPath(layers: [])

    /// A path as read back from a record: the first `maximumLayers` layers
    /// are kept and any others counted as one segment's.
    public init(layers: [EncapsulationLayer], unlistedSegments: Int = 0) {
        self.layers = []
        storedUnlistedSegments = UInt32(clamping: unlistedSegments)
        add(layers)
    }

    /// Adds one segment's layers: those not named yet while there is room.
    /// Returns whether one of them could not be named.
    @discardableResult
    public mutating func add(_ segmentLayers: [EncapsulationLayer]) -> Bool {
        // A connection's first path is most often its only one: shared, not copied.
        if layers.isEmpty, segmentLayers.count <= SegmentDecoder.maximumLayers, Self.eachOnce(segmentLayers) {
            layers = segmentLayers
            return false
        }
        var unlisted = false
        for layer in segmentLayers where !layers.contains(layer) {
            guard layers.count < SegmentDecoder.maximumLayers else {
                unlisted = true
                continue
            }
            layers.append(layer)
        }
        if unlisted, storedUnlistedSegments < .max { storedUnlistedSegments += 1 }
        return unlisted
    }

    private static func eachOnce(_ layers: [EncapsulationLayer]) -> Bool {
        layers.indices.allSatisfy { index in !layers[..<index].contains(layers[index]) }
    }
}

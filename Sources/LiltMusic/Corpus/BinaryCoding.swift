/// Little-endian binary writing and bounds-checked reading for the corpus cache.
struct BinaryWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { bytes.append(UInt8(value & 0xFF)); bytes.append(UInt8(value >> 8)) }
    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
    mutating func i64(_ value: Int) {
        let bits = UInt64(bitPattern: Int64(value))
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8((bits >> UInt64(shift)) & 0xFF)) }
    }
    mutating func string(_ value: String?) {
        guard let value else { u32(UInt32.max); return }
        let utf8 = Array(value.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

struct BinaryReader {
    let bytes: [UInt8]
    var offset = 0

    struct Truncated: Error {
        let offset: Int
    }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ count: Int) throws -> Range<Int> {
        guard count >= 0, count <= bytes.count - offset else { throw Truncated(offset: offset) }
        defer { offset += count }
        return offset..<(offset + count)
    }
    mutating func u8() throws -> UInt8 { bytes[try take(1).lowerBound] }
    mutating func u16() throws -> UInt16 {
        let r = try take(2)
        return UInt16(bytes[r.lowerBound]) | UInt16(bytes[r.lowerBound + 1]) << 8
    }
    mutating func u32() throws -> UInt32 {
        let r = try take(4)
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[r.lowerBound + i]) << UInt32(8 * i) }
        return value
    }
    mutating func i64() throws -> Int {
        let r = try take(8)
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[r.lowerBound + i]) << UInt64(8 * i) }
        return Int(Int64(bitPattern: value))
    }
    mutating func string() throws -> String? {
        let count = try u32()
        if count == UInt32.max { return nil }
        return String(decoding: bytes[try take(Int(count))], as: UTF8.self)
    }
}

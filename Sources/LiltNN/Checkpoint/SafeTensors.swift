import Foundation

/// A tensor as stored in a safetensors file: F32, row-major, little-endian.
public struct StoredTensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }
}

/// What went wrong reading or writing a checkpoint: the file, the place (byte offset, tensor, key) and why.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case truncated(path: String, needed: Int, size: Int)
    case badHeader(path: String, byteOffset: Int, reason: String)
    case badTensor(path: String, name: String, reason: String)
    case missingTensor(path: String, name: String)
    case unexpectedTensor(path: String, name: String)
    case wrongShape(path: String, name: String, expected: [Int], found: [Int])
    case badMetadata(path: String, key: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): "\(path): cannot read: \(reason)"
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        case .truncated(let path, let needed, let size):
            "\(path): truncated: needs \(needed) bytes, the file has \(size)"
        case .badHeader(let path, let offset, let reason): "\(path): bad safetensors header at byte \(offset): \(reason)"
        case .badTensor(let path, let name, let reason): "\(path): tensor \(name): \(reason)"
        case .missingTensor(let path, let name): "\(path): tensor \(name) is missing"
        case .unexpectedTensor(let path, let name): "\(path): unexpected tensor \(name) for this model"
        case .wrongShape(let path, let name, let expected, let found):
            "\(path): tensor \(name) has shape \(found), the model needs \(expected)"
        case .badMetadata(let path, let key, let reason): "\(path): metadata \(key): \(reason)"
        }
    }
}

/// Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}}`, offsets
/// relative to the end of the header), then the raw tensor bytes.
public enum SafeTensors {
    /// The largest header accepted (bytes).
    static let maximumHeader = 64 << 20

    /// Writes `tensors` (in the given order) and `metadata` to `url` atomically: a temporary file beside
    /// it, flushed to disk, then renamed over `url`.
    public static func write(_ tensors: [(name: String, tensor: StoredTensor)], metadata: [String: String],
                             to url: URL) throws {
        var header = "{\"__metadata__\":{"
        header += metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }.joined(separator: ",")
        header += "}"
        var offset = 0
        for (name, tensor) in tensors {
            let bytes = tensor.values.count * 4
            header += ",\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[" +
                tensor.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var data = Data(capacity: 8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for (_, tensor) in tensors {
            tensor.values.withUnsafeBufferPointer { values in
                if UInt32(1).littleEndian == 1 {
                    data.append(UnsafeBufferPointer(start: UnsafeRawPointer(values.baseAddress!)
                        .assumingMemoryBound(to: UInt8.self), count: values.count * 4))
                } else {
                    for value in values {
                        var bits = value.bitPattern.littleEndian
                        withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
                    }
                }
            }
        }
        try writeAtomically(data, to: url)
    }

    /// Writes `data` to a temporary file beside `url`, flushes it, and renames it over `url`.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let path = url.path
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CheckpointError.cannotWrite(path: path, reason: "cannot create \(temporary.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError.cannotWrite(path: path, reason: "\(error)")
        }
        guard rename(temporary.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError.cannotWrite(path: path, reason: reason)
        }
    }

    /// Reads every tensor and the metadata of the file at `url`. Every size and offset is checked against
    /// the file before anything is allocated for it; only F32 tensors are accepted.
    public static func read(_ url: URL) throws -> (tensors: [String: StoredTensor], metadata: [String: String]) {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw CheckpointError.cannotRead(path: path, reason: (error as NSError).localizedDescription)
        }
        guard data.count >= 8 else { throw CheckpointError.truncated(path: path, needed: 8, size: data.count) }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(maximumHeader) else {
            throw CheckpointError.badHeader(path: path, byteOffset: 0,
                                            reason: "header length \(headerLength) exceeds \(maximumHeader) bytes")
        }
        let dataStart = 8 + Int(headerLength)
        guard dataStart <= data.count else {
            throw CheckpointError.truncated(path: path, needed: dataStart, size: data.count)
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart)) } catch {
            throw CheckpointError.badHeader(path: path, byteOffset: 8, reason: "the header is not JSON")
        }
        guard let object = json as? [String: Any] else {
            throw CheckpointError.badHeader(path: path, byteOffset: 8, reason: "the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var tensors: [String: StoredTensor] = [:]
        let payload = data.count - dataStart
        for (name, entry) in object {
            if name == "__metadata__" {
                guard let pairs = entry as? [String: Any] else {
                    throw CheckpointError.badHeader(path: path, byteOffset: 8, reason: "__metadata__ is not an object")
                }
                for (key, value) in pairs {
                    guard let string = value as? String else {
                        throw CheckpointError.badMetadata(path: path, key: key, reason: "the value is not a string")
                    }
                    metadata[key] = string
                }
                continue
            }
            guard let fields = entry as? [String: Any], let dtype = fields["dtype"] as? String,
                  let shapeValues = fields["shape"] as? [Any], let offsetValues = fields["data_offsets"] as? [Any],
                  offsetValues.count == 2 else {
                throw CheckpointError.badTensor(path: path, name: name, reason: "needs dtype, shape and two data_offsets")
            }
            guard dtype == "F32" else {
                throw CheckpointError.badTensor(path: path, name: name, reason: "dtype \(dtype) (only F32 is read)")
            }
            let shape = try shapeValues.map { value -> Int in
                guard let number = value as? NSNumber, let dimension = Int(exactly: number.doubleValue),
                      dimension >= 0, dimension <= Int(Int32.max) else {
                    throw CheckpointError.badTensor(path: path, name: name, reason: "bad dimension \(value)")
                }
                return dimension
            }
            let offsets = try offsetValues.map { value -> Int in
                guard let number = value as? NSNumber, let offset = Int(exactly: number.doubleValue), offset >= 0 else {
                    throw CheckpointError.badTensor(path: path, name: name, reason: "bad data offset \(value)")
                }
                return offset
            }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= payload / 4 + 1 else {
                    throw CheckpointError.badTensor(path: path, name: name,
                                                    reason: "shape \(shape) is larger than the file")
                }
                count = product
            }
            guard offsets[1] >= offsets[0], offsets[1] - offsets[0] == count * 4 else {
                throw CheckpointError.badTensor(path: path, name: name,
                                                reason: "data_offsets \(offsets) do not hold \(count) F32 values")
            }
            guard offsets[1] <= payload else {
                throw CheckpointError.truncated(path: path, needed: dataStart + offsets[1], size: data.count)
            }
            let values = data.withUnsafeBytes { raw -> [Float] in
                let base = raw.baseAddress! + dataStart + offsets[0]
                return (0..<count).map { Float(bitPattern: UInt32(littleEndian: (base + 4 * $0).loadUnaligned(as: UInt32.self))) }
            }
            tensors[name] = StoredTensor(shape: shape, values: values)
        }
        return (tensors, metadata)
    }

    /// `string` as a JSON string literal.
    static func jsonString(_ string: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: (try? encoder.encode(string)) ?? Data(#""""#.utf8), as: UTF8.self)
    }
}

import Foundation

/// Measurements of rendered audio: where notes start, what pitch sounds, how loud a stretch is.
///
/// Used by the tests (is a render right?) and by `lilt bench render` (how late did live notes sound?).
/// Everything works on mono samples at a given sample rate.
public enum AudioAnalysis {
    /// Root mean square of `samples[range]` (0 for an empty range).
    public static func rms(_ samples: [Float], _ range: Range<Int>) -> Float {
        let range = range.clamped(to: 0..<samples.count)
        guard !range.isEmpty else { return 0 }
        var sum: Double = 0
        samples.withUnsafeBufferPointer { x in
            for index in range { sum += Double(x[index]) * Double(x[index]) }
        }
        return Float((sum / Double(range.count)).squareRoot())
    }

    /// Note onsets, in seconds, found from the audio alone.
    ///
    /// The energy over a trailing window of `window` seconds is taken every `hop` seconds. An onset is a
    /// rise of at least `riseDecibels` over the quietest point of the preceding 25 ms that also reaches
    /// `gateDecibels` below the loudest point of the whole signal; its time is the foot of the rise (the
    /// last quiet hop before it). After an onset, `refractory` seconds pass before the next can start.
    public static func onsets(_ samples: [Float], sampleRate: Double, window: Double = 0.004,
                              hop: Double = 0.0005, riseDecibels: Double = 4.5, gateDecibels: Double = 40,
                              refractory: Double = 0.05) -> [Double] {
        let hopLength = max(1, Int(hop * sampleRate))
        let hop = Double(hopLength) / sampleRate
        let envelope = energyEnvelope(samples, sampleRate: sampleRate, window: window, hopLength: hopLength)
        guard let loudest = envelope.max(), loudest > 0 else { return [] }
        let gate = loudest * pow(10, -gateDecibels / 10)
        let look = max(1, Int(0.025 / hop))
        let riseRatio = pow(10, riseDecibels / 10)
        let floor = loudest * 1e-9
        var result: [Double] = []
        var index = 1
        while index < envelope.count {
            let start = max(0, index - look)
            var quietest = envelope[start]
            var quietestIndex = start
            for previous in start..<index where envelope[previous] <= quietest {
                quietest = envelope[previous]
                quietestIndex = previous
            }
            if envelope[index] >= gate, envelope[index] >= (quietest + floor) * riseRatio {
                // The foot: walk back while the energy keeps falling towards the quiet point.
                var foot = index
                while foot > quietestIndex, envelope[foot - 1] < envelope[foot] { foot -= 1 }
                result.append(Double(foot) * hop)
                index += max(1, Int(refractory / hop))
            } else {
                index += 1
            }
        }
        return result
    }

    /// Energy (mean square) over a trailing window ending at each hop.
    static func energyEnvelope(_ samples: [Float], sampleRate: Double, window: Double, hopLength: Int) -> [Double] {
        let windowLength = max(1, Int(window * sampleRate))
        let count = samples.count / hopLength
        var prefix = [Double](repeating: 0, count: samples.count + 1)
        samples.withUnsafeBufferPointer { x in
            for index in 0..<x.count { prefix[index + 1] = prefix[index] + Double(x[index]) * Double(x[index]) }
        }
        return (0..<count).map { step in
            let end = step * hopLength
            let start = max(0, end - windowLength)
            return end > start ? (prefix[end] - prefix[start]) / Double(end - start) : 0
        }
    }

    /// The fundamental frequency of `samples` in hertz, or nil when nothing periodic between `lowest` and
    /// `highest` Hz sounds (silence, noise).
    ///
    /// The period is found by autocorrelation (`periodicity`); the fundamental partial is then located in
    /// the spectrum within 6 % of it. The second step matters for a piano, whose stretched upper partials pull
    /// the waveform's period about 1 % short in the first tenth of a second.
    public static func fundamental(_ samples: ArraySlice<Float>, sampleRate: Double, lowest: Double = 50,
                                   highest: Double = 2000) -> Double? {
        guard let coarse = periodicity(samples, sampleRate: sampleRate, lowest: lowest, highest: highest) else {
            return nil
        }
        return spectralPeak(samples, sampleRate: sampleRate, in: (coarse * 0.94)...(coarse * 1.06)) ?? coarse
    }

    /// The repetition rate of `samples` in hertz by normalised autocorrelation (the YIN cumulative mean
    /// normalised difference with parabolic refinement), or nil when nothing periodic is found.
    public static func periodicity(_ samples: ArraySlice<Float>, sampleRate: Double, lowest: Double = 50,
                                   highest: Double = 2000, threshold: Double = 0.2) -> Double? {
        let minLag = max(2, Int(sampleRate / highest))
        let maxLag = Int(sampleRate / lowest)
        let count = samples.count - maxLag - 1
        guard count > maxLag / 2, count > 0 else { return nil }
        var difference = [Double](repeating: 0, count: maxLag + 2)
        var energy: Double = 0
        samples.withUnsafeBufferPointer { x in
            for index in 0..<count { energy += Double(x[index]) * Double(x[index]) }
            for lag in 1...(maxLag + 1) {
                var sum: Double = 0
                for index in 0..<count {
                    let delta = Double(x[index]) - Double(x[index + lag])
                    sum += delta * delta
                }
                difference[lag] = sum
            }
        }
        guard energy > 1e-12 * Double(count) else { return nil }
        // Cumulative mean normalised difference.
        var normalised = [Double](repeating: 1, count: maxLag + 2)
        var running: Double = 0
        for lag in 1...(maxLag + 1) {
            running += difference[lag]
            normalised[lag] = running > 0 ? difference[lag] * Double(lag) / running : 1
        }
        var lag = minLag
        while lag <= maxLag {
            if normalised[lag] < threshold {
                while lag + 1 <= maxLag, normalised[lag + 1] < normalised[lag] { lag += 1 }
                let (a, b, c) = (normalised[lag - 1], normalised[lag], normalised[lag + 1])
                let denominator = a - 2 * b + c
                let shift = denominator != 0 ? 0.5 * (a - c) / denominator : 0
                return sampleRate / (Double(lag) + max(-1, min(1, shift)))
            }
            lag += 1
        }
        return nil
    }

    /// The frequency in hertz of the strongest peak in the spectrum of `samples` above `lowest` Hz, or nil
    /// for silence.
    public static func dominantFrequency(_ samples: ArraySlice<Float>, sampleRate: Double,
                                         lowest: Double = 20) -> Double? {
        spectralPeak(samples, sampleRate: sampleRate, in: lowest...(sampleRate / 2))
    }

    /// The frequency of the strongest spectral peak of `samples` within `band` Hz: a Hann window over the
    /// largest power of two of samples that fits (at most 16384), zero-padded to 32768 points, the peak
    /// refined by a parabola through the log magnitudes around it. Nil for silence.
    public static func spectralPeak(_ samples: ArraySlice<Float>, sampleRate: Double,
                                    in band: ClosedRange<Double>) -> Double? {
        var length = 1
        while length * 2 <= min(samples.count, 16384) { length *= 2 }
        guard length >= 256 else { return nil }
        let size = max(32768, length)
        var real = [Double](repeating: 0, count: size)
        var imaginary = [Double](repeating: 0, count: size)
        let start = samples.startIndex
        for index in 0..<length {
            let window = 0.5 - 0.5 * cos(2 * Double.pi * Double(index) / Double(length - 1))
            real[index] = Double(samples[start + index]) * window
        }
        fft(&real, &imaginary)
        let binWidth = sampleRate / Double(size)
        let first = max(1, Int(band.lowerBound / binWidth))
        let last = min(size / 2 - 2, Int(band.upperBound / binWidth) + 1)
        guard first < last else { return nil }
        func magnitude(_ bin: Int) -> Double { (real[bin] * real[bin] + imaginary[bin] * imaginary[bin]).squareRoot() }
        guard let peak = (first...last).max(by: { magnitude($0) < magnitude($1) }), magnitude(peak) > 1e-9 else {
            return nil
        }
        let (a, b, c) = (log(magnitude(peak - 1) + 1e-30), log(magnitude(peak) + 1e-30),
                         log(magnitude(peak + 1) + 1e-30))
        let denominator = a - 2 * b + c
        let shift = denominator != 0 ? 0.5 * (a - c) / denominator : 0
        return (Double(peak) + max(-1, min(1, shift))) * binWidth
    }

    /// In-place iterative radix-2 FFT; the count must be a power of two.
    static func fft(_ real: inout [Double], _ imaginary: inout [Double]) {
        let count = real.count
        var j = 0
        for i in 1..<count {
            var bit = count >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { real.swapAt(i, j); imaginary.swapAt(i, j) }
        }
        var length = 2
        while length <= count {
            let angle = -2 * Double.pi / Double(length)
            for blockStart in stride(from: 0, to: count, by: length) {
                for k in 0..<(length / 2) {
                    let (wr, wi) = (cos(angle * Double(k)), sin(angle * Double(k)))
                    let (even, odd) = (blockStart + k, blockStart + k + length / 2)
                    let tr = real[odd] * wr - imaginary[odd] * wi
                    let ti = real[odd] * wi + imaginary[odd] * wr
                    real[odd] = real[even] - tr; imaginary[odd] = imaginary[even] - ti
                    real[even] += tr; imaginary[even] += ti
                }
            }
            length <<= 1
        }
    }
}

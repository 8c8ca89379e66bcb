import Foundation
import LiltCompose
import LiltMusic
import Testing

/// A session file as Lilt wrote it before generated notes carried probabilities.
private let sessionWithoutProbabilities = """
{
  "controls" : {
    "bars" : 8,
    "holdBias" : 0,
    "program" : 1,
    "randomSeed" : 1,
    "restBias" : 0,
    "temperature" : 1,
    "tempo" : 120,
    "variations" : 4
  },
  "cursor" : 0,
  "cursorPitch" : 60,
  "format" : 1,
  "lockedBars" : [

  ],
  "meter" : {
    "denominator" : 4,
    "numerator" : 3
  },
  "notes" : [
    {
      "duration" : 1,
      "onset" : 0,
      "origin" : "seed",
      "pitch" : 62
    },
    {
      "duration" : 0.5,
      "onset" : 1,
      "origin" : "generated",
      "pitch" : 66
    }
  ],
  "takes" : [

  ],
  "title" : "Old"
}

"""

@Test("a session file from before note probabilities loads (generated notes without one) and saves to the same bytes")
func sessionWithoutProbabilitiesStaysTheSame() throws {
    let data = Data(sessionWithoutProbabilities.utf8)
    let session = try SessionFile.decode(data, file: "old.lilt")
    #expect(session.notes.map(\.origin) == [.seed, .generated])
    #expect(session.notes.allSatisfy { $0.probability == nil })
    #expect(SessionFile.encode(session) == data)
    // With a probability the note gains one key and nothing else changes.
    var withProbability = session
    let generated = session.notes[1]
    withProbability.insert(SessionNote(pitch: generated.pitch, onset: generated.onset, duration: generated.duration,
                                       origin: .generated, probability: 0.123456789012345))
    let bytes = SessionFile.encode(withProbability)
    #expect(String(decoding: bytes, as: UTF8.self).contains("\"probability\" : 0.123456789012345"))
    let reloaded = try SessionFile.decode(bytes, file: "new.lilt")
    #expect(reloaded.notes[1].probability == 0.123456789012345)
    #expect(SessionFile.encode(reloaded) == bytes)
}

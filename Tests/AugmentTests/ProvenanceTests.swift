@testable import Augment
import Support
import Testing

@Suite struct ProvenanceTests {
    @Test func studyRecipeIsSevenCombinations() {
        let names = Recipe.study.augmentations.map(\.name)
        #expect(names == ["noise", "stretch", "pitch", "noise+stretch", "noise+pitch", "stretch+pitch", "noise+stretch+pitch"])
        #expect(Recipe.study.augmentations[6].parameters == "noise=0.035;stretch=0.8;pitch=0.7")
    }

    @Test func transformsApplyStretchPitchThenNoise() throws {
        let a = try Augmentation([.noise(.peak(factor: 0.035)), .pitch(semitones: 0.7), .stretch(rate: 0.8)])
        #expect(a.transforms.map(\.name) == ["stretch", "pitch", "noise"])
        #expect(a.name == "noise+stretch+pitch")
        #expect(a.isRandom)
        #expect(try !Augmentation(.stretch(rate: 0.8)).isRandom)
    }

    @Test func attributesRoundTrip() throws {
        let a = try Augmentation([.stretch(rate: 0.8), .pitch(semitones: -2)])
        let p = Provenance(source: "f1/rab-f1-b1.wav", augmentation: a, seed: nil)
        #expect(p.attributes == ["source": "f1/rab-f1-b1.wav", "augmentation": "stretch+pitch",
                                 "augment_params": "stretch=0.8;pitch=-2", "augment_seed": ""])
        #expect(try Provenance(attributes: p.attributes) == p)

        let n = Provenance(source: "x.wav", augmentation: try Augmentation(.noise(.snr(decibels: 20))), seed: 12345678901234567890)
        #expect(n.attributes["augment_params"] == "noise_snr_db=20")
        #expect(n.attributes["augment_seed"] == "12345678901234567890")
        #expect(try Provenance(attributes: n.attributes) == n)

        let o = Provenance.original("y.wav")
        #expect(o.attributes == ["source": "y.wav", "augmentation": "none", "augment_params": "", "augment_seed": ""])
        #expect(try Provenance(attributes: o.attributes) == o)
        #expect(try Provenance(attributes: ["source": "z.wav", "speaker": "f1"]) == .original("z.wav"))
    }

    @Test func badAttributesAreNamed() {
        #expect { try Provenance(attributes: ["augmentation": "noise"]) } throws: { ($0 as? AugmentError)?.code == .badProvenance }
        #expect { try Provenance(attributes: ["source": "a.wav", "augmentation": "noise", "augment_params": "loud=3"]) }
            throws: { "\($0)".contains("loud") }
        #expect { try Provenance(attributes: ["source": "a.wav", "augmentation": "pitch", "augment_params": "stretch=0.8"]) }
            throws: { "\($0)".contains("a.wav") && "\($0)".contains("does not match") }
        #expect { try Provenance(attributes: ["source": "a.wav", "augment_seed": "seven"]) } throws: { "\($0)".contains("seven") }
    }

    @Test(arguments: [Transform.stretch(rate: 0), .stretch(rate: -1), .stretch(rate: .nan), .stretch(rate: 100),
                      .pitch(semitones: 24.5), .pitch(semitones: -30), .noise(.peak(factor: -0.1)), .noise(.snr(decibels: .infinity))])
    func badParametersNameTheValue(transform: Transform) {
        #expect { try transform.validate() } throws: { error in
            guard let e = error as? AugmentError, e.code == .badParameter else { return false }
            switch transform {
            case .stretch(let r): return e.message.contains("\(r)")
            case .pitch(let n): return e.message.contains("\(n)")
            case .noise(.peak(let f)): return e.message.contains("\(f)")
            case .noise(.snr(let d)): return e.message.contains("\(d)")
            }
        }
    }

    @Test func repeatedKindIsAnError() {
        #expect(throws: AugmentError.self) { try Augmentation([.pitch(semitones: 1), .pitch(semitones: 2)]) }
        #expect(throws: AugmentError.self) { try Augmentation([]) }
        #expect(throws: AugmentError.self) { try Recipe.of([.stretch(rate: 0.8), .stretch(rate: 1.2)], combine: true) }
    }

    @Test func combineMakesAllSubsets() throws {
        let r = try Recipe.of([.stretch(rate: 0.8), .pitch(semitones: 0.7)], combine: true)
        #expect(r.augmentations.map(\.name) == ["stretch", "pitch", "stretch+pitch"])
        let single = try Recipe.of([.stretch(rate: 0.8), .pitch(semitones: 0.7)], combine: false)
        #expect(single.augmentations.map(\.name) == ["stretch", "pitch"])
    }
}

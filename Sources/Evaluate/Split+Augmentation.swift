extension Split {
    /// The split with augmented rows kept on the training side only: augmented copies that fell into
    /// validation or test are dropped, so the model is scored on original recordings only (the study augments
    /// training data only). Train rows are unchanged; `leakage` is recounted over what remains.
    ///
    /// - `augmented`: per row, whether it is an augmented copy (not an original recording).
    /// - `sources`: per row, its original recording (as given to the split).
    ///
    /// A split that holds no augmented rows is returned unchanged.
    public func trainingOnlyAugmentation(augmented: [Bool], sources: [String]) throws(EvaluateError) -> Split {
        guard augmented.count == sources.count else {
            throw EvaluateError(.lengthMismatch, "\(augmented.count) augmentation flags for \(sources.count) rows")
        }
        let validation = self.validation.filter { !augmented[$0] }
        let test = self.test.filter { !augmented[$0] }
        if validation.count == self.validation.count && test.count == self.test.count { return self }
        return Splits.make(name, train, validation, test, sources)
    }
}

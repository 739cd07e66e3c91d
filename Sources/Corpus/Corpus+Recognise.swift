import Support
extension Corpus {
    /// The corpus a command's inputs form, if they form one: exactly one folder whose layout is `layout`
    /// or, when `layout` is nil, detected as EMOVO, RAVDESS or CREMA-D (the generic folders layout is only
    /// used when asked for, since any folder of subfolders would fit it).
    ///
    /// Returns nil when no layout was asked for and the inputs are not a recognised corpus (several paths, a
    /// file, or a folder in no known layout). Throws when `layout` is given but the inputs are not one folder,
    /// or when loading the corpus fails.
    public static func recognise(_ paths: [String], layout: Layout?, calm: CalmHandling = .drop) throws(CorpusError) -> Corpus? {
        guard paths.count == 1, Files.isDirectory(Files.expandingTilde(paths[0])) else {
            if let layout {
                throw CorpusError(.badParameter, "layout \(layout) needs exactly one corpus folder, got \(paths.joined(separator: ", "))")
            }
            return nil
        }
        if let layout { return try load(paths[0], layout: layout, calm: calm) }
        guard let detected = try? detect(paths[0]), detected != .folders else { return nil }
        return try load(paths[0], layout: detected, calm: calm)
    }
}

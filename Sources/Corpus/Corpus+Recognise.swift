import Support
extension Corpus {
    /// The corpus a command's inputs form, if they form one: exactly one folder whose layout is `layout` or,
    /// when `layout` is nil, the layout `load corpus` detects (`detect`: EMOVO, RAVDESS or CREMA-D from the
    /// file names, else one folder per label when most files lie one folder deep). `ser features` and the
    /// language's `load corpus` thus read the same folder the same way.
    ///
    /// `detectingFolders: false` leaves the generic layout to an explicit `layout` (`ser predict` does: there a
    /// folder of subfolders named by date or speaker would be taken for labels the model does not know).
    ///
    /// Returns nil when no layout was asked for and the inputs are not a recognised corpus (several paths, a
    /// file, or a folder in no detectable layout). Throws when `layout` is given but the inputs are not one
    /// folder, or when loading the corpus fails.
    public static func recognise(_ paths: [String], layout: Layout?, calm: CalmHandling = .drop,
                                 detectingFolders: Bool = true) throws(CorpusError) -> Corpus? {
        guard paths.count == 1, Files.isDirectory(Files.expandingTilde(paths[0])) else {
            if let layout {
                throw CorpusError(.badParameter, "layout \(layout) needs exactly one corpus folder, got \(paths.joined(separator: ", "))")
            }
            return nil
        }
        if let layout { return try load(paths[0], layout: layout, calm: calm) }
        guard let detected = try? detect(paths[0]), detectingFolders || detected != .folders else { return nil }
        return try load(paths[0], layout: detected, calm: calm)
    }
}

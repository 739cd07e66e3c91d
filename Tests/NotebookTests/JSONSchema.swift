import Foundation
@testable import Notebook

/// A JSON Schema (draft 4) validator for the keywords the nbformat 4.5 schema uses. A keyword it does not
/// know is reported as an error, so that a schema is never half-checked silently.
struct JSONSchema {
    let root: JSONValue

    static let keywords: Set<String> = [
        "$schema", "$ref", "description", "definitions", "type", "properties", "patternProperties",
        "additionalProperties", "required", "enum", "items", "minLength", "maxLength", "minimum", "maximum",
        "pattern", "oneOf", "not", "uniqueItems", "title", "default",
    ]

    /// The errors of `value` against the schema: `path: what`; empty when it is valid.
    func errors(_ value: JSONValue) -> [String] {
        var errors: [String] = []
        check(value, against: root, at: "$", into: &errors)
        return errors
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = root
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let next = node[String(part)] else { return nil }
            node = next
        }
        return node
    }

    private func check(_ value: JSONValue, against schema: JSONValue, at path: String, into errors: inout [String]) {
        guard case .object(let rules) = schema else {
            if schema == .bool(false) { errors.append("\(path): not allowed") }
            return
        }
        for key in rules.keys where !Self.keywords.contains(key) {
            errors.append("\(path): the validator does not know schema keyword '\(key)'")
        }
        if let reference = rules["$ref"]?.string {
            guard let target = resolve(reference) else { errors.append("\(path): unresolved $ref \(reference)"); return }
            check(value, against: target, at: path, into: &errors)
        }
        if let type = rules["type"] {
            let names: [String]
            switch type {
            case .string(let name): names = [name]
            case .array(let items): names = items.compactMap(\.string)
            default: names = []
            }
            if !names.contains(where: { Self.value(value, is: $0) }) {
                errors.append("\(path): expected \(names.joined(separator: " or "))")
                return
            }
        }
        if case .array(let allowed) = rules["enum"] ?? .null, !allowed.contains(where: { Self.equal($0, value) }) {
            errors.append("\(path): not one of the allowed values")
        }
        if case .object(let members) = value {
            let properties: [String: JSONValue]
            if case .object(let p) = rules["properties"] ?? .null { properties = p } else { properties = [:] }
            var patterns: [(NSRegularExpression, JSONValue)] = []
            if case .object(let p) = rules["patternProperties"] ?? .null {
                for (pattern, rule) in p {
                    if let regex = try? NSRegularExpression(pattern: pattern) { patterns.append((regex, rule)) }
                    else { errors.append("\(path): bad pattern \(pattern)") }
                }
            }
            if case .array(let required) = rules["required"] ?? .null {
                for name in required.compactMap(\.string) where members[name] == nil {
                    errors.append("\(path): missing required '\(name)'")
                }
            }
            for (key, member) in members {
                var matched = false
                if let rule = properties[key] {
                    matched = true
                    check(member, against: rule, at: path + "." + key, into: &errors)
                }
                for (regex, rule) in patterns where Self.matches(regex, key) {
                    matched = true
                    check(member, against: rule, at: path + "." + key, into: &errors)
                }
                if !matched, let additional = rules["additionalProperties"] {
                    if additional == .bool(false) {
                        errors.append("\(path): additional property '\(key)' is not allowed")
                    } else if case .object = additional {
                        check(member, against: additional, at: path + "." + key, into: &errors)
                    }
                }
            }
        }
        if case .array(let items) = value {
            if let rule = rules["items"] {
                for (i, item) in items.enumerated() { check(item, against: rule, at: path + "[\(i)]", into: &errors) }
            }
            if rules["uniqueItems"] == .bool(true) {
                for i in items.indices { for j in items.indices where j > i && Self.equal(items[i], items[j]) {
                    errors.append("\(path): items \(i) and \(j) are equal")
                } }
            }
        }
        if case .string(let text) = value {
            let length = text.unicodeScalars.count
            if case .int(let n) = rules["minLength"] ?? .null, length < n { errors.append("\(path): shorter than \(n)") }
            if case .int(let n) = rules["maxLength"] ?? .null, length > n { errors.append("\(path): longer than \(n)") }
            if let pattern = rules["pattern"]?.string {
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    if !Self.matches(regex, text) { errors.append("\(path): does not match \(pattern)") }
                } else { errors.append("\(path): bad pattern \(pattern)") }
            }
        }
        if let number = Self.number(value) {
            if let minimum = rules["minimum"].flatMap(Self.number), number < minimum { errors.append("\(path): below \(minimum)") }
            if let maximum = rules["maximum"].flatMap(Self.number), number > maximum { errors.append("\(path): above \(maximum)") }
        }
        if case .array(let alternatives) = rules["oneOf"] ?? .null {
            var passing = 0
            var details: [String] = []
            for alternative in alternatives {
                var inner: [String] = []
                check(value, against: alternative, at: path, into: &inner)
                if inner.isEmpty { passing += 1 } else { details += inner }
            }
            if passing != 1 {
                errors.append("\(path): matches \(passing) of the oneOf alternatives, not exactly one"
                    + (passing == 0 ? " (" + details.prefix(3).joined(separator: "; ") + ")" : ""))
            }
        }
        if let negated = rules["not"] {
            var inner: [String] = []
            check(value, against: negated, at: path, into: &inner)
            if inner.isEmpty { errors.append("\(path): matches a schema it must not") }
        }
    }

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let v): Double(v)
        case .number(let v): v
        default: nil
        }
    }

    static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null): true
        case ("integer", .int): true
        case ("integer", .number(let v)): v == v.rounded()
        case ("number", .int), ("number", .number): true
        default: false
        }
    }

    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        return a == b
    }
}

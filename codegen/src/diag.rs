//! Diagnostics: one collector that every check feeds, rendered for people and machines.

use std::fmt::Write as _;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The bundle cannot be built.
    Error,
    /// Builds, but probably not what was meant.
    Warning,
}

/// One problem, located as precisely as the source allows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file name within the bundle (`order.flow.json`, `routes.json`).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
    /// Error or warning.
    pub severity: Severity,
    /// The JSON pointer of the offending value (`/steps/3/pattern`), may be empty.
    pub pointer: String,
    /// The step number, when the problem is inside a step.
    pub step: Option<u64>,
    /// What is wrong.
    pub message: String,
    /// A suggestion ("did you mean `total`?").
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error in `file` with no location yet.
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            severity: Severity::Error,
            pointer: String::new(),
            step: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning in `file` with no location yet.
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Sets the pointer.
    pub fn at(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = pointer.into();
        self
    }

    /// Sets line and column.
    pub fn pos(mut self, line: u32, column: u32) -> Diagnostic {
        self.line = line;
        self.column = column;
        self
    }

    /// Sets the step.
    pub fn in_step(mut self, step: Option<u64>) -> Diagnostic {
        self.step = step;
        self
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// One line: `order.flow.json:14:9 /steps/3/pattern (step 4): error: …`.
    pub fn render(&self) -> String {
        let mut out = self.file.clone();
        if self.line > 0 {
            let _ = write!(out, ":{}:{}", self.line, self.column);
        }
        if !self.pointer.is_empty() {
            let _ = write!(out, " {}", self.pointer);
        }
        if let Some(step) = self.step {
            let _ = write!(out, " (step {step})");
        }
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = write!(out, ": {kind}: {}", self.message);
        if let Some(hint) = &self.hint {
            let _ = write!(out, "\n    hint: {hint}");
        }
        out
    }
}

/// The collector. Every check pushes here; nothing stops at the first problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All of them.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Sorts by file, position, then the rest, and drops exact duplicates, so reports are
    /// stable.
    pub fn sort(&mut self) {
        self.items.sort();
        self.items.dedup();
    }

    /// The human report: one entry per diagnostic and a summary line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&d.render());
            out.push('\n');
        }
        let errors = self.errors().count();
        let warnings = self.items.len() - errors;
        let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
        out
    }

    /// The machine report: a JSON array of objects.
    pub fn to_json(&self) -> String {
        let mut out = String::from("[");
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut obj = flowc_lang::Map::default();
            obj.insert("severity".into(), severity.into());
            obj.insert("file".into(), d.file.clone().into());
            obj.insert(
                "line".into(),
                flowc_lang::Value::Number(flowc_lang::Number::from_i64(d.line.into())),
            );
            obj.insert(
                "column".into(),
                flowc_lang::Value::Number(flowc_lang::Number::from_i64(d.column.into())),
            );
            obj.insert("pointer".into(), d.pointer.clone().into());
            let step = d.step.map_or(flowc_lang::Value::Null, |s| {
                flowc_lang::Value::Number(flowc_lang::Number::from_i64(s as i64))
            });
            obj.insert("step".into(), step);
            obj.insert("message".into(), d.message.clone().into());
            obj.insert(
                "hint".into(),
                d.hint.clone().map_or(flowc_lang::Value::Null, Into::into),
            );
            flowc_lang::Value::Object(obj).write_json(&mut out);
        }
        out.push(']');
        out
    }
}

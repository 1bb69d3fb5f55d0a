//! The JSON text of one record, written field by field: keys and strings escaped by
//! serde_json, numbers as read when they are JSON numbers.

/// An open JSON object at the end of a buffer.
pub struct Object<'b> {
    buf: &'b mut Vec<u8>,
    empty: bool,
}

impl<'b> Object<'b> {
    /// Opens an object at the end of `buf`.
    pub fn open(buf: &'b mut Vec<u8>) -> Object<'b> {
        buf.push(b'{');
        Object { buf, empty: true }
    }

    fn key(&mut self, key: &str) {
        if !self.empty {
            self.buf.push(b',');
        }
        self.empty = false;
        string(self.buf, key);
        self.buf.push(b':');
    }

    /// A string field.
    pub fn str(&mut self, key: &str, value: &str) {
        self.key(key);
        string(self.buf, value);
    }

    /// A number field whose text is known to be a JSON number.
    pub fn number(&mut self, key: &str, digits: &str) {
        debug_assert!(is_json_number(digits), "{digits}");
        self.key(key);
        self.buf.extend_from_slice(digits.as_bytes());
    }

    /// A number field when `text` is a JSON number, else a string field.
    pub fn number_or_str(&mut self, key: &str, text: &str) {
        if is_json_number(text) {
            self.number(key, text);
        } else {
            self.str(key, text);
        }
    }

    /// A field of strings.
    pub fn strs(&mut self, key: &str, values: &[&str]) {
        self.key(key);
        self.buf.push(b'[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            string(self.buf, v);
        }
        self.buf.push(b']');
    }

    /// A boolean field.
    pub fn bool(&mut self, key: &str, value: bool) {
        self.key(key);
        self.buf
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    /// An object field, open: fill it, then close it before writing another field here.
    pub fn object(&mut self, key: &str) -> Object<'_> {
        self.key(key);
        Object::open(self.buf)
    }

    /// Closes the object.
    pub fn close(self) {
        self.buf.push(b'}');
    }
}

fn string(buf: &mut Vec<u8>, s: &str) {
    // Writing into a Vec cannot fail, and every str is valid for JSON.
    let _ = serde_json::to_writer(&mut *buf, s);
}

/// Whether `s` is a number as JSON writes one (`-12`, `0.5`, `1e3`; not `012`, `.5`, `1.`).
pub fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

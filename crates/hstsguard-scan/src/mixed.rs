//! Mixed content: `http://` subresources of an HTTPS page, found with html5gum's WHATWG
//! HTML tokenizer over the beginning of the page (at most `max_body_bytes`, which the
//! fetch enforces).

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// At most this many findings are kept per page.
pub(crate) const MAX_FINDINGS: usize = 20;

/// The elements and attributes that load a subresource (or submit to one), after the
/// W3C Mixed Content spec's examples and Observatory's list: scripts, stylesheets and
/// other loaded links, images, frames, forms, media and plug-ins.
const TARGETS: &[(&str, &[&str])] = &[
    ("script", &["src"]),
    ("link", &["href"]),
    ("img", &["src", "srcset"]),
    ("iframe", &["src"]),
    ("frame", &["src"]),
    ("form", &["action"]),
    ("audio", &["src"]),
    ("video", &["src", "poster"]),
    ("source", &["src", "srcset"]),
    ("track", &["src"]),
    ("embed", &["src"]),
    ("object", &["data"]),
    ("input", &["src"]),
];

/// `rel` values of `<link>` that load something.
const LOADING_RELS: &[&str] = &["stylesheet", "icon", "preload", "modulepreload", "manifest"];

fn insecure(url: &str) -> bool {
    let u = url.trim_start();
    u.len() >= 5 && u[..5].eq_ignore_ascii_case("http:")
}

/// A mixed-content finder: collects the page as it arrives, tokenizes it at the end.
pub(crate) struct MixedContent {
    page: Vec<u8>,
}

impl MixedContent {
    pub(crate) fn new() -> MixedContent {
        MixedContent { page: Vec::new() }
    }

    /// Takes the next chunk of the page (the fetch stops at `max_body_bytes`).
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        self.page.extend_from_slice(chunk);
    }

    /// Ends the page and returns the findings, in document order. Tag and attribute
    /// names are lower-cased and character references in values decoded by the
    /// tokenizer, as a browser reads them; the content of `<script>`, `<style>`,
    /// `<noscript>`, `<textarea>`, `<title>` and the like is text, not markup (the
    /// tokenizer switches state on those tags as a browser's tree builder tells it to).
    pub(crate) fn finish(self) -> Vec<String> {
        let mut emitter = DefaultEmitter::default();
        emitter.naively_switch_states(true);
        let mut found = Vec::new();
        for token in Tokenizer::new_with_emitter(self.page.as_slice(), emitter) {
            let Ok(Token::StartTag(tag)) = token else {
                continue;
            };
            let Some(&(name, attrs)) = TARGETS.iter().find(|(t, _)| tag.name == t.as_bytes())
            else {
                continue;
            };
            let value = |attr: &str| {
                tag.attributes
                    .get(attr.as_bytes())
                    .map(|v| String::from_utf8_lossy(&v.value).into_owned())
            };
            if name == "link" {
                let rel = value("rel").unwrap_or_default().to_ascii_lowercase();
                if !rel
                    .split_ascii_whitespace()
                    .any(|r| LOADING_RELS.contains(&r))
                {
                    continue;
                }
            }
            for &attr in attrs {
                let Some(v) = value(attr) else {
                    continue;
                };
                let urls: Vec<&str> = if attr == "srcset" {
                    v.split(',')
                        .filter_map(|c| c.split_ascii_whitespace().next())
                        .collect()
                } else {
                    vec![v.as_str()]
                };
                for u in urls.into_iter().filter(|u| insecure(u)) {
                    if found.len() == MAX_FINDINGS {
                        return found;
                    }
                    found.push(format!("<{name} {attr}> {}", u.trim()));
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_http_subresources_across_chunks() {
        let page = br#"<html><head><link rel="stylesheet" href="http://cdn.test/a.css">
            <link rel="canonical" href="http://x.test/"><script src="https://ok.test/s.js"></script>
            <script src="HTTP://cdn.test/s.js"></script></head><body>
            <a href="http://x.test/">plain links are not subresources</a>
            <img srcset="https://ok.test/1.png 1x, http://cdn.test/2.png 2x">
            <form action="http://x.test/post"></form><video poster="http://cdn.test/p.jpg"></video>
            <iframe src="//proto-relative.test/"></iframe></body></html>"#;
        let mut m = MixedContent::new();
        for chunk in page.chunks(7) {
            m.feed(chunk);
        }
        assert_eq!(
            m.finish(),
            vec![
                "<link href> http://cdn.test/a.css",
                "<script src> HTTP://cdn.test/s.js",
                "<img srcset> http://cdn.test/2.png",
                "<form action> http://x.test/post",
                "<video poster> http://cdn.test/p.jpg",
            ]
        );
    }

    #[test]
    fn reads_the_page_as_a_browser_tokenizes_it() {
        let page = br#"<!-- <script src="http://commented.test/out.js"></script> -->
            <SCRIPT SRC="&#104;ttp://cdn.test/entity.js"></SCRIPT>
            <script>document.write('<img src="http://in-script.test/x.png">')</script>
            <style>/* <img src="http://in-style.test/x.png"> */</style>
            <textarea><iframe src="http://in-textarea.test/"></iframe></textarea>
            <LINK REL="Preload Stylesheet" HREF=http://cdn.test/unquoted.css>
            <img src="http://cdn.test/last.png"#;
        let mut m = MixedContent::new();
        m.feed(page);
        assert_eq!(
            m.finish(),
            vec![
                "<script src> http://cdn.test/entity.js",
                "<link href> http://cdn.test/unquoted.css",
            ]
        );
    }

    #[test]
    fn keeps_at_most_max_findings() {
        let mut m = MixedContent::new();
        for i in 0..(MAX_FINDINGS + 5) {
            m.feed(format!("<img src='http://cdn.test/{i}.png'>").as_bytes());
        }
        let found = m.finish();
        assert_eq!(found.len(), MAX_FINDINGS);
        assert_eq!(found[0], "<img src> http://cdn.test/0.png");
    }
}

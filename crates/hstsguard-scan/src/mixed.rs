//! Mixed content: `http://` subresources of an HTTPS page, found with lol_html's
//! streaming parser (fed chunk by chunk, never holding the page).

use std::sync::{Arc, Mutex};

use lol_html::send::{HtmlRewriter, Settings};
use lol_html::{element, HandlerResult};

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

/// The parser; its output (the page, unchanged) goes nowhere.
type Parser = HtmlRewriter<'static, fn(&[u8])>;

/// A streaming mixed-content finder.
pub(crate) struct MixedContent {
    rewriter: Option<Parser>,
    found: Arc<Mutex<Vec<String>>>,
}

fn sink(_: &[u8]) {}

impl MixedContent {
    pub(crate) fn new() -> MixedContent {
        let found = Arc::new(Mutex::new(Vec::new()));
        let mut handlers = Vec::new();
        for &(tag, attrs) in TARGETS {
            let found = found.clone();
            handlers.push(element!(tag, move |el| -> HandlerResult {
                if tag == "link" {
                    let rel = el
                        .get_attribute("rel")
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    if !rel
                        .split_ascii_whitespace()
                        .any(|r| LOADING_RELS.contains(&r))
                    {
                        return Ok(());
                    }
                }
                for &attr in attrs {
                    let Some(value) = el.get_attribute(attr) else {
                        continue;
                    };
                    let urls: Vec<&str> = if attr == "srcset" {
                        value
                            .split(',')
                            .filter_map(|c| c.split_ascii_whitespace().next())
                            .collect()
                    } else {
                        vec![value.as_str()]
                    };
                    for u in urls.into_iter().filter(|u| insecure(u)) {
                        if let Ok(mut f) = found.lock() {
                            if f.len() < MAX_FINDINGS {
                                f.push(format!("<{tag} {attr}> {}", u.trim()));
                            }
                        }
                    }
                }
                Ok(())
            }));
        }
        let settings = Settings {
            element_content_handlers: handlers,
            ..Settings::new_send()
        };
        MixedContent {
            rewriter: Some(HtmlRewriter::new(settings, sink as fn(&[u8]))),
            found,
        }
    }

    /// Parses the next chunk of the page. A parser error stops parsing (what was found
    /// so far is kept).
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        if let Some(r) = self.rewriter.as_mut() {
            if r.write(chunk).is_err() {
                self.rewriter = None;
            }
        }
    }

    /// Ends the page and returns the findings, in document order.
    pub(crate) fn finish(mut self) -> Vec<String> {
        if let Some(r) = self.rewriter.take() {
            let _ = r.end();
        }
        self.found.lock().map(|f| f.clone()).unwrap_or_default()
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
}

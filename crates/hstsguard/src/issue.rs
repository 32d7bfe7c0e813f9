//! Diagnostics as data: [`Issue`]s with stable [`Code`]s and a [`Severity`].
//!
//! Codes follow the vocabulary of chromium/hstspreload (`header.parse.*`,
//! `header.preloadable.*`, `header.removable.*`, `domain.format.*`, `response.*`)
//! with the same meaning; codes that hstspreload has no word for are invented in the
//! same style. Codes are API: they never change meaning and are never reused. Messages
//! are for humans and may change.

use std::fmt;

/// How bad an [`Issue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; the value is still usable.
    Warning,
    /// The value is void (parsers) or the requirement is not met (audits).
    Error,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    (
        issues { $( $(#[doc = $doc:literal])+ $variant:ident = $code:literal, )* }
        errors { $( $(#[doc = $edoc:literal])+ $evariant:ident = $ecode:literal, )* }
    ) => {
        /// Every code hstsguard can report: the codes of diagnostics ([`Issue`]s) and
        /// the codes of errors ([`crate::Error::code`], [`crate::ConfigError::code`]),
        /// in one table.
        ///
        /// [`Code::as_str`] is the stable string used by every binding (C, Python, Node,
        /// the CLI's JSON). The full list with descriptions is in `docs/CODES.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])+ $variant, )*
            $( $(#[doc = $edoc])+ $evariant, )*
        }

        impl Code {
            /// Every code, in documentation order (issue codes, then error codes).
            pub const ALL: &'static [Code] = &[ $(Code::$variant,)* $(Code::$evariant,)* ];

            /// The stable string form, e.g. `"header.parse.max_age.non_digit_characters"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* $(Code::$evariant => $ecode,)* }
            }

            /// A one-paragraph description of what the code means.
            pub const fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => concat!($($doc),+),)*
                    $(Code::$evariant => concat!($($edoc),+),)*
                }
            }

            /// True for the codes of errors (input that cannot be used at all), false
            /// for the codes of diagnostics.
            ///
            /// ```
            /// use hstsguard::Code;
            /// assert!(Code::DurationNegative.is_error());
            /// assert!(!Code::HeaderParseEmpty.is_error());
            /// ```
            pub const fn is_error(self) -> bool {
                matches!(self, $(Code::$evariant)|*)
            }

            /// Looks a code up by its string form.
            ///
            /// ```
            /// use hstsguard::Code;
            /// assert_eq!(Code::from_code("header.parse.empty"), Some(Code::HeaderParseEmpty));
            /// assert_eq!(Code::from_code("config.unknown_key"), Some(Code::ConfigUnknownKey));
            /// assert_eq!(Code::from_code("nope"), None);
            /// ```
            pub fn from_code(s: &str) -> Option<Code> {
                match s { $($code => Some(Code::$variant),)* $($ecode => Some(Code::$evariant),)* _ => None }
            }
        }
    };
}

codes! {
issues {
    // ---- STS header parsing (RFC 6797 §6.1); hstspreload's header.parse.* ----
    /// The header value is empty (or only whitespace). An empty value has no max-age and is void.
    HeaderParseEmpty = "header.parse.empty",
    /// An empty directive or extra semicolon (`max-age=1;;`). Allowed by RFC 6797; harmless.
    HeaderParseEmptyDirective = "header.parse.empty_directive",
    /// A directive unknown to RFC 6797. It is ignored, as the RFC requires.
    HeaderParseUnknownDirective = "header.parse.unknown_directive",
    /// `preload` appears more than once. `preload` is unknown to RFC 6797, so this is only a warning.
    HeaderParseRepeatedPreload = "header.parse.repeated.preload",
    /// `includeSubDomains` appears more than once. A repeated known directive voids the header (RFC 6797 §6.1).
    HeaderParseRepeatedIncludeSubDomains = "header.parse.repeated.include_sub_domains",
    /// `max-age` appears more than once. A repeated known directive voids the header (RFC 6797 §6.1).
    HeaderParseRepeatedMaxAge = "header.parse.repeated.max_age",
    /// `preload` has a value (`preload=1`). The directive is not recognised as `preload`.
    HeaderParseInvalidPreload = "header.parse.invalid.preload",
    /// `includeSubDomains` has a value. The directive is valueless; a value voids the header.
    HeaderParseInvalidIncludeSubDomains = "header.parse.invalid.include_sub_domains",
    /// `max-age` has no value (`max-age`, `max-age=`). Voids the header.
    HeaderParseInvalidMaxAgeNoValue = "header.parse.invalid.max_age.no_value",
    /// The max-age value has a leading zero (`max-age=0300`). Valid, but unusual.
    HeaderParseMaxAgeLeadingZero = "header.parse.max_age.leading_zero",
    /// The max-age value is not 1*DIGIT (sign, decimal point, letters, spaces). Voids the header.
    HeaderParseMaxAgeNonDigitCharacters = "header.parse.max_age.non_digit_characters",
    /// The max-age value exceeds the cap ([`crate::MAX_AGE_CAP`], 2^53-1 seconds) and was saturated to it.
    HeaderParseMaxAgeSaturated = "header.parse.max_age.saturated",
    /// The max-age value is a quoted-string (`max-age="300"`). Valid per RFC 6797, but some tools reject it.
    HeaderParseMaxAgeQuoted = "header.parse.max_age.quoted",
    /// No max-age directive: RFC 6797 §6.1.1 makes it required, so the header is void.
    HeaderParseMaxAgeMissing = "header.parse.max_age.missing",
    /// A directive name is not an RFC 7230 token (e.g. contains `@`, `"` or a space). Voids the header.
    HeaderParseSyntaxInvalidDirectiveName = "header.parse.syntax.invalid_directive_name",
    /// A directive value is neither a token nor a quoted-string, or has text after it. Voids the header.
    HeaderParseSyntaxInvalidValue = "header.parse.syntax.invalid_value",
    /// A quoted-string is not terminated. Voids the header.
    HeaderParseSyntaxUnterminatedQuotedString = "header.parse.syntax.unterminated_quoted_string",
    /// The value contains a control character (other than HTAB) or a non-ASCII byte. Voids the header.
    HeaderParseSyntaxInvalidCharacter = "header.parse.syntax.invalid_character",

    // ---- Whole responses; hstspreload's response.* ----
    /// No Strict-Transport-Security field in the response.
    ResponseNoHeader = "response.no_header",
    /// More than one Strict-Transport-Security field: user agents process only the first (RFC 6797 §8.1), and hstspreload rejects the response.
    ResponseMultipleHeaders = "response.multiple_headers",

    // ---- Preload audit; hstspreload's header.preloadable.* and header.removable.* ----
    /// The header lacks `includeSubDomains`, required for preloading.
    HeaderPreloadableIncludeSubDomainsMissing = "header.preloadable.include_sub_domains.missing",
    /// The header lacks `preload`, required for preloading.
    HeaderPreloadablePreloadMissing = "header.preloadable.preload.missing",
    /// The header has no valid max-age.
    HeaderPreloadableMaxAgeMissing = "header.preloadable.max_age.missing",
    /// max-age is 0, which removes HSTS; it cannot be preloaded.
    HeaderPreloadableMaxAgeZero = "header.preloadable.max_age.zero",
    /// max-age is below 31536000 seconds (one year), the preload minimum.
    HeaderPreloadableMaxAgeBelow1Year = "header.preloadable.max_age.below_1_year",
    /// max-age is longer than ten years: allowed, but unusually long.
    HeaderPreloadableMaxAgeOver10Years = "header.preloadable.max_age.over_10_years",
    /// For removal from the preload list the header must not contain `preload`.
    HeaderRemovableContainsPreload = "header.removable.contains.preload",
    /// For removal from the preload list the header must contain a valid max-age.
    HeaderRemovableMissingMaxAge = "header.removable.missing.max_age",

    // ---- Domain names; hstspreload's domain.* ----
    /// The domain name is empty.
    DomainFormatEmpty = "domain.format.empty",
    /// The domain name begins with `.`.
    DomainFormatBeginsWithDot = "domain.format.begins_with_dot",
    /// The domain name ends with `.`.
    DomainFormatEndsWithDot = "domain.format.ends_with_dot",
    /// The domain name contains `..`.
    DomainFormatContainsDoubleDot = "domain.format.contains_double_dot",
    /// The domain name is a public suffix (a TLD such as `com` or a suffix such as `co.uk`).
    DomainFormatPublicSuffix = "domain.format.public_suffix",
    /// The domain name has characters other than letters, digits, `-` and `.` (use the IDNA A-label for IDNs).
    DomainFormatInvalidCharacters = "domain.format.invalid_characters",
    /// The domain name is an IP address.
    DomainFormatIsIpAddress = "domain.format.is_ip_address",
    /// A label is longer than 63 octets, or the name longer than 253 (RFC 1035).
    DomainFormatTooLong = "domain.format.too_long",
    /// The domain is a subdomain; only registrable domains (eTLD+1) are accepted for preloading.
    DomainIsSubdomain = "domain.is_subdomain",

    // ---- Redirect chains observed from outside; hstspreload's redirects.* ----
    /// `http://domain` does not redirect at all.
    RedirectsHttpNoRedirect = "redirects.http.no_redirect",
    /// The first redirect from `http://domain` goes to the www subdomain instead of `https://domain`.
    RedirectsHttpWwwFirst = "redirects.http.www_first",
    /// The first redirect from `http://domain` is not to `https://domain`.
    RedirectsHttpFirstRedirectInsecure = "redirects.http.first_redirect.insecure",
    /// The HTTPS page the first redirect points at does not serve a preloadable HSTS header.
    RedirectsHttpFirstRedirectNoHsts = "redirects.http.first_redirect.no_hsts",
    /// The plain-HTTP response carries an HSTS header, which has no effect over HTTP.
    RedirectsHttpUselessHeader = "redirects.http.useless_header",
    /// The first redirect of the chain goes to a non-HTTPS URL.
    RedirectsInsecureInitial = "redirects.insecure.initial",
    /// A later redirect of the chain goes to a non-HTTPS URL.
    RedirectsInsecureSubsequent = "redirects.insecure.subsequent",
    /// More than 3 redirects.
    RedirectsTooMany = "redirects.too_many",

    // ---- Live scan (crate hstsguard-scan); hstspreload's codes where it has the check ----
    /// `https://domain` cannot be reached over TLS at all (connection, handshake or HTTP failure); the message names the cause (hstspreload's code).
    DomainTlsCannotConnect = "domain.tls.cannot_connect",
    /// `https://domain` serves a certificate chain that does not verify (expired, self-signed, wrong name, unknown CA); the scan goes on (hstspreload's code).
    DomainTlsInvalidCertChain = "domain.tls.invalid_cert_chain",
    /// `www.domain` accepts TCP on port 443 but HTTPS fails there (handshake or certificate); preloading would break it (hstspreload's code).
    DomainWwwNoTls = "domain.www.no_tls",
    /// `http://domain` cannot be reached: fine only if the site does not want to serve plain-HTTP users (hstspreload's code).
    RedirectsHttpDoesNotExist = "redirects.http.does_not_exist",
    /// A redirect of the apex's chain could not be followed; the message names the hop and the cause (hstspreload's code).
    RedirectsFollowError = "redirects.follow_error",
    /// The TCP connection failed (name not resolved, refused, unreachable).
    ScanConnectFailed = "scan.connect.failed",
    /// The TCP connection or TLS handshake took longer than the connect timeout.
    ScanConnectTimeout = "scan.connect.timeout",
    /// The domain's time budget ran out before this request was answered (a slow or silent server).
    ScanTimeout = "scan.timeout",
    /// The TLS handshake failed: the server sent an alert or broke the protocol.
    ScanTlsHandshake = "scan.tls.handshake",
    /// A certificate of the site expires within 30 days.
    ScanTlsExpiresSoon = "scan.tls.expires_soon",
    /// The server's answer is not HTTP/1.x (another protocol, or garbage).
    ScanResponseNotHttp = "scan.response.not_http",
    /// The connection closed before the response was complete.
    ScanResponseTruncated = "scan.response.truncated",
    /// The response head exceeds the scanner's limit (64 KiB, or 100 fields).
    ScanResponseHeaderTooLarge = "scan.response.header_too_large",
    /// The landing page is larger than the 1 MB the scanner reads; only its first 1 MB was checked.
    ScanResponseBodyTooLarge = "scan.response.body_too_large",
    /// A `Location` value is unusable: a control character (CR, LF, ...), or not a URL.
    ScanLocationInvalid = "scan.location.invalid",
    /// A `Location` value points at a non-HTTP scheme (`javascript:`, `ftp:`, `data:` ...).
    ScanLocationNotHttp = "scan.location.not_http",
    /// A redirect chain comes back to a URL it already visited.
    ScanRedirectsLoop = "scan.redirects.loop",
    /// A redirect chain is longer than the scanner follows (10 hops).
    ScanRedirectsLimit = "scan.redirects.limit",
    /// An HSTS header was sent over plain HTTP on a hop other than `http://domain/` (user agents ignore it, RFC 6797 §8.1).
    ScanHstsOverHttp = "scan.hsts.over_http",
    /// The HSTS header differs between HTTPS hops, or between the apex and www.
    ScanHstsInconsistent = "scan.hsts.inconsistent",
    /// A cookie set over HTTPS lacks `Secure`: it would also be sent over plain HTTP.
    ScanCookieNotSecure = "scan.cookie.not_secure",
    /// The HTTPS landing page loads `http://` subresources (script, stylesheet, image, frame, form, media).
    ScanMixedContent = "scan.mixed_content",
    /// An `Expect-CT` header is still sent; it is obsolete (Chrome removed it in version 107).
    ScanLegacyExpectCt = "scan.legacy.expect_ct",
    /// The scan of this domain failed inside the scanner (a bug); the rest of the fleet goes on.
    ScanInternal = "scan.internal",

    // ---- HPKP (RFC 7469), deprecated ----
    /// HPKP is deprecated: every major browser removed it (Chrome 72, Firefox 72). Sending it has no effect in current browsers and risks locking users out of clients that still honour it.
    HpkpDeprecated = "hpkp.deprecated",
    /// The Public-Key-Pins value is empty.
    HpkpParseEmpty = "hpkp.parse.empty",
    /// An empty directive or extra semicolon. Harmless.
    HpkpParseEmptyDirective = "hpkp.parse.empty_directive",
    /// A directive unknown to RFC 7469; ignored.
    HpkpParseUnknownDirective = "hpkp.parse.unknown_directive",
    /// A directive name is not a token. Voids the header.
    HpkpParseSyntaxInvalidDirectiveName = "hpkp.parse.syntax.invalid_directive_name",
    /// A directive value is neither a token nor a quoted-string. Voids the header.
    HpkpParseSyntaxInvalidValue = "hpkp.parse.syntax.invalid_value",
    /// A quoted-string is not terminated. Voids the header.
    HpkpParseSyntaxUnterminatedQuotedString = "hpkp.parse.syntax.unterminated_quoted_string",
    /// A control character or non-ASCII byte. Voids the header.
    HpkpParseSyntaxInvalidCharacter = "hpkp.parse.syntax.invalid_character",
    /// `pin-sha256` value is not a quoted-string (RFC 7469 §2.1.1). Voids the header.
    HpkpParsePinUnquoted = "hpkp.parse.pin.unquoted",
    /// `pin-sha256` value is not valid base64. Voids the header.
    HpkpParsePinInvalidBase64 = "hpkp.parse.pin.invalid_base64",
    /// `pin-sha256` value does not decode to exactly 32 bytes. Voids the header.
    HpkpParsePinWrongLength = "hpkp.parse.pin.wrong_length",
    /// `pin-sha256` value is base64 that is not in canonical form (its last symbol has
    /// non-zero padding bits). Firefox decoded it, so the pin counts; write it canonically.
    HpkpParsePinNonCanonicalBase64 = "hpkp.parse.pin.non_canonical_base64",
    /// A `pin-` directive with a hash algorithm other than sha256; ignored (RFC 7469 §2.1.1).
    HpkpParsePinUnknownAlgorithm = "hpkp.parse.pin.unknown_algorithm",
    /// The same pin appears more than once.
    HpkpParseRepeatedPin = "hpkp.parse.repeated.pin",
    /// No `pin-sha256` directive. Voids the header.
    HpkpParsePinsMissing = "hpkp.parse.pins.missing",
    /// Fewer than two distinct pins: a valid pin set needs a pin of the chain and a backup pin (RFC 7469 §4.3). Voids the header.
    HpkpParsePinsTooFew = "hpkp.parse.pins.too_few",
    /// No max-age in the enforcing `Public-Key-Pins` header (required by RFC 7469 §2.1.2). Voids the header.
    HpkpParseMaxAgeMissing = "hpkp.parse.max_age.missing",
    /// `max-age` has no value. Voids the header.
    HpkpParseInvalidMaxAgeNoValue = "hpkp.parse.invalid.max_age.no_value",
    /// The max-age value is not 1*DIGIT. Voids the header.
    HpkpParseMaxAgeNonDigitCharacters = "hpkp.parse.max_age.non_digit_characters",
    /// The max-age value exceeds the cap and was saturated.
    HpkpParseMaxAgeSaturated = "hpkp.parse.max_age.saturated",
    /// `max-age` appears more than once. Voids the header.
    HpkpParseRepeatedMaxAge = "hpkp.parse.repeated.max_age",
    /// `includeSubDomains` appears more than once. Voids the header.
    HpkpParseRepeatedIncludeSubDomains = "hpkp.parse.repeated.include_sub_domains",
    /// `report-uri` appears more than once. Voids the header.
    HpkpParseRepeatedReportUri = "hpkp.parse.repeated.report_uri",
    /// `includeSubDomains` has a value. Voids the header.
    HpkpParseInvalidIncludeSubDomains = "hpkp.parse.invalid.include_sub_domains",
    /// `report-uri` is not a quoted-string (RFC 7469 §2.1.4). Voids the header.
    HpkpParseReportUriUnquoted = "hpkp.parse.report_uri.unquoted",
    /// `report-uri` is not an absolute http(s) URI. Voids the header.
    HpkpParseReportUriInvalid = "hpkp.parse.report_uri.invalid",
    /// `Public-Key-Pins-Report-Only` without `report-uri` does nothing.
    HpkpReportOnlyNoReportUri = "hpkp.report_only.no_report_uri",
    /// RFC 7469 §2.5: no pin matches an SPKI of the certificate chain.
    HpkpValidateNoMatchingPin = "hpkp.validate.no_matching_pin",
    /// RFC 7469 §2.5: no backup pin (a pin that matches no SPKI of the chain).
    HpkpValidateNoBackupPin = "hpkp.validate.no_backup_pin",

    // ---- Set-Cookie flagging ----
    /// Retired in 0.1.x, no longer reported: a value without `=` is a nameless cookie, flagged and reported as `cookie.nameless`.
    CookieMalformedNoEquals = "cookie.malformed.no_equals",
    /// The Set-Cookie value has neither a name nor a value (empty, `=`, `; Secure`): browsers ignore it; passed through unchanged.
    CookieMalformedEmptyName = "cookie.malformed.empty_name",
    /// A nameless cookie (`abc` or `=abc`), which browsers store under an empty name: flagged like any other (only `*` rules match it).
    CookieNameless = "cookie.nameless",
    /// The Set-Cookie value contains a control character; passed through unchanged.
    CookieMalformedControlCharacter = "cookie.malformed.control_character",
    /// `SameSite=None` without `Secure` is rejected by browsers; `Secure` was added.
    CookieSameSiteNoneSecureAdded = "cookie.samesite_none.secure_added",
    /// `SameSite=None` cookie left without `Secure` (insecure request with secure-only-when-secure): browsers will reject it.
    CookieSameSiteNoneWithoutSecure = "cookie.samesite_none.without_secure",
    /// A `__Secure-` cookie lacked `Secure`; repaired.
    CookiePrefixSecureRepaired = "cookie.prefix.secure.repaired",
    /// A `__Secure-` cookie lacks `Secure` and repair is off: browsers will reject it.
    CookiePrefixSecureViolation = "cookie.prefix.secure.violation",
    /// A `__Host-` cookie lacked `Secure`, `Path=/` or had a `Domain`; repaired.
    CookiePrefixHostRepaired = "cookie.prefix.host.repaired",
    /// A `__Host-` cookie breaks the prefix rules and repair is off: browsers will reject it.
    CookiePrefixHostViolation = "cookie.prefix.host.violation",
    /// Duplicate flag attributes (e.g. `secure; Secure`) were collapsed into one.
    CookieAttributeDuplicateRemoved = "cookie.attribute.duplicate_removed",

    // ---- Request decisions ----
    /// The request has no Host (and no absolute-form authority): rejected with 400.
    HostMissing = "host.missing",
    /// The Host is malformed (bad characters, user-info, bad port, bad IDN, CR/LF): rejected with 400.
    HostMalformed = "host.malformed",
    /// The Host is not in the allowed-hosts list: rejected with 400, never redirected.
    HostNotAllowed = "host.not_allowed",
    /// The method is refused over plain HTTP by the configured method rule (403 or 426).
    RedirectMethodRefused = "redirect.method_refused",
    /// A trusted proxy's request carries proxy headers that disagree (one says HTTPS, another does not): a client added a header the proxy passed through. Rejected with 400, which is not heuristically cacheable.
    ProxySourcesDisagree = "proxy.sources_disagree",

    // ---- Policy deploy warnings (in the spirit of Django's check --deploy) ----
    /// HSTS is off (max-age 0 or disabled).
    PolicyHstsDisabled = "policy.hsts.disabled",
    /// HSTS max-age is below one year.
    PolicyHstsShortMaxAge = "policy.hsts.short_max_age",
    /// HSTS max-age looks like milliseconds (a whole number of seconds over 100 years
    /// whose thousandth is at least a day, such as 31536000000, the `res.cookie` habit).
    PolicyHstsMaxAgeLooksLikeMilliseconds = "policy.hsts.max_age_looks_like_milliseconds",
    /// HSTS without includeSubDomains.
    PolicyHstsNoIncludeSubDomains = "policy.hsts.no_include_subdomains",
    /// The `preload` flag is set but the header is not eligible for the preload list.
    PolicyHstsPreloadNotEligible = "policy.hsts.preload_not_eligible",
    /// HSTS is sent over plain HTTP too (`send_always`): useless and against RFC 6797 §7.2.
    PolicyHstsSentOverHttp = "policy.hsts.sent_over_http",
    /// `preload` is set with an `[hsts.ramp]` whose last stage is below one year: the preload list needs at least a year once the ramp ends.
    PolicyHstsRampPreloadShortLastStage = "policy.hsts.ramp_preload_short_last_stage",
    /// HTTP to HTTPS redirects are off.
    PolicyRedirectDisabled = "policy.redirect.disabled",
    /// Redirects trust any Host (`allowed_hosts = ["*"]` without a canonical host): Location follows the request's Host.
    PolicyRedirectAnyHost = "policy.redirect.any_host",
    /// A cookie rule sets `SameSite=None` without `Secure`.
    PolicyCookieSameSiteNoneWithoutSecure = "policy.cookie.samesite_none_without_secure",
    /// No cookie rule sets `Secure`.
    PolicyCookieNotSecure = "policy.cookie.not_secure",
    /// A trusted proxy network covers every address (0.0.0.0/0 or ::/0): any client can spoof the scheme.
    PolicyProxyTrustsEveryone = "policy.proxy.trusts_everyone",
    /// Proxy headers are configured but no proxy is trusted, so they are never believed.
    PolicyProxyHeadersWithoutProxies = "policy.proxy.headers_without_proxies",
    /// Several proxy sources are read: the trusted proxy must overwrite or strip every one of them, or a client's copy makes requests fail with `proxy.sources_disagree`.
    PolicyProxySeveralSources = "policy.proxy.several_sources",
    /// HPKP is configured (deprecated).
    PolicyHpkpConfigured = "policy.hpkp.configured",

    // ---- User agent side (RFC 6797 §8): Known HSTS Hosts, preload list, curl cache files ----
    /// Ignored: the Strict-Transport-Security field came over a non-secure transport (plain HTTP); RFC 6797 §8.1 has user agents ignore it.
    UaReceiveInsecureTransport = "ua.receive.insecure_transport",
    /// Ignored: the host is an IP address; RFC 6797 §8.1.1 excludes IP literals from HSTS.
    UaReceiveIpLiteral = "ua.receive.ip_literal",
    /// Ignored: `max-age=0` for a host that is not a Known HSTS Host, so there is nothing to delete.
    UaReceiveNotKnown = "ua.receive.not_known",
    /// Deleted: `max-age=0` from a host on the preload list; a knock-out entry now overrides its preload entry (as in Firefox).
    UaReceiveKnockOut = "ua.receive.knock_out",
    /// A line of an HSTS cache file is not `[.]host "YYYYMMDD HH:MM:SS"` or `[.]host "unlimited"` (or not UTF-8); the line is skipped, loading goes on.
    UaCacheMalformedLine = "ua.cache.malformed_line",
    /// The expiry of an HSTS cache line is not a `YYYYMMDD HH:MM:SS` UTC date from 1970 on, nor `unlimited`; the line is skipped.
    UaCacheInvalidDate = "ua.cache.invalid_date",
    /// The host of an HSTS cache line is not a usable host name; the line is skipped.
    UaCacheInvalidHost = "ua.cache.invalid_host",
    /// The host of an HSTS cache line is an IP address, which never matches (RFC 6797 §8.1.1); the line is skipped.
    UaCacheIpLiteral = "ua.cache.ip_literal",
    /// Error: a host name cannot be used (empty, a character outside letters, digits, `-`, `_` and `.`, an empty or over-long label, an invalid internationalised name).
    UaHostInvalid = "ua.host.invalid",
    /// Error: a host name is longer than 253 octets (after IDNA conversion).
    UaHostTooLong = "ua.host.too_long",
    /// Error: a host name is not valid UTF-8.
    UaHostNotUtf8 = "ua.host.not_utf8",
    /// Error: a URL cannot be parsed (or is not absolute); it is never passed through unchecked.
    UaUrlInvalid = "ua.url.invalid",
    /// Error: the HSTS store file is a directory; the store in memory is unchanged.
    UaStoreIsDirectory = "ua.store.is_directory",
    /// Error: the HSTS store file (or its lock or temporary file) cannot be read or written; the store in memory is unchanged.
    UaStoreIo = "ua.store.io",
    /// Error: a preload list in JSON cannot be read (not JSON after removing `//` comment lines, no `entries` array, a malformed entry).
    UaPreloadInvalidList = "ua.preload.invalid_list",
    /// Error: a compiled preload list file is not one (wrong magic, truncated, corrupt).
    UaPreloadInvalidCompiled = "ua.preload.invalid_compiled",
    /// Error: the TLS certificate of a Known HSTS Host (dynamic or preloaded) does not verify; RFC 6797 §8.4 and §12.1 make this fatal with no recourse, even when the HTTP client was told to skip verification.
    UaTlsCertificateError = "ua.tls.certificate_error",
}
errors {
    // ---- Durations (max-age values in configuration and in every binding) ----
    /// A duration is empty.
    DurationEmpty = "duration.empty",
    /// A duration is negative.
    DurationNegative = "duration.negative",
    /// A duration is not a whole number of seconds (`3600.0`, `1e6`).
    DurationFractional = "duration.fractional",
    /// A duration is not a number (NaN, inf, text).
    DurationNotANumber = "duration.not_a_number",
    /// A duration has a unit other than s, m, h, d, w, y.
    DurationUnknownUnit = "duration.unknown_unit",
    /// A duration exceeds 2^53-1 seconds.
    DurationOverflow = "duration.overflow",

    // ---- Policy documents ----
    /// A policy has several configuration errors (each has its own code).
    ConfigInvalid = "config.invalid",
    /// A policy document is not valid TOML or JSON (or not UTF-8).
    ConfigSyntax = "config.syntax",
    /// A policy key is unknown (the message suggests the closest known key).
    ConfigUnknownKey = "config.unknown_key",
    /// A policy value has the wrong type.
    ConfigInvalidType = "config.invalid_type",
    /// A policy value is out of range or not allowed.
    ConfigInvalidValue = "config.invalid_value",
    /// Two policy settings contradict each other.
    ConfigConflict = "config.conflict",

    // ---- HPKP inputs ----
    /// A pin-sha256 is not base64 of 32 bytes.
    HpkpInvalidPin = "hpkp.invalid_pin",
    /// An HPKP header was requested with fewer than two distinct pins.
    HpkpTooFewPins = "hpkp.too_few_pins",
    /// A certificate or public key could not be parsed.
    HpkpCertificate = "hpkp.certificate",

    // ---- Request data ----
    /// A peer address is not an IPv4 or IPv6 address.
    ArgumentInvalidPeer = "argument.invalid_peer",

    // ---- Files ----
    /// A file could not be read.
    Io = "io",

    // ---- Live scan options (crate hstsguard-scan) ----
    /// A `--connect-to` rule is not `HOST:PORT:ADDR:PORT`.
    ScanOptionConnectTo = "scan.option.connect_to",
    /// A CA file cannot be read or holds no usable certificate.
    ScanOptionCaFile = "scan.option.ca_file",
    /// The TLS client cannot be set up with these options.
    ScanOptionTls = "scan.option.tls",
    /// A scan option has a value that cannot be used (a zero timeout, concurrency 0).
    ScanOptionInvalid = "scan.option.invalid",
    /// The scanner's runtime could not be started.
    ScanRuntime = "scan.runtime",
}
}

/// One diagnostic: a stable [`Code`], a [`Severity`] and a human message that names
/// the offending text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issue {
    code: Code,
    severity: Severity,
    message: String,
}

impl Issue {
    /// Creates an issue.
    pub fn new(code: Code, severity: Severity, message: impl Into<String>) -> Issue {
        Issue {
            code,
            severity,
            message: message.into(),
        }
    }

    /// An error-severity issue.
    pub fn error(code: Code, message: impl Into<String>) -> Issue {
        Issue::new(code, Severity::Error, message)
    }

    /// A warning-severity issue.
    pub fn warning(code: Code, message: impl Into<String>) -> Issue {
        Issue::new(code, Severity::Warning, message)
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The severity.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The human-readable message (not API: may change between versions).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `{"code": ..., "severity": ..., "message": ...}` as used by every JSON output.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code.as_str(),
            "severity": self.severity.as_str(),
            "message": self.message,
        })
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}]: {}",
            self.severity,
            self.code.as_str(),
            self.message
        )
    }
}

/// A code is written as its string form (`"duration.negative"`) in JSON and other formats.
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A code compares equal to its string form: `err.code() == "duration.negative"`.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Quotes user text for a message: at most 80 characters, control characters escaped,
/// so a message never carries CR/LF or a megabyte of input.
pub(crate) fn quote(text: &str) -> String {
    const LIMIT: usize = 80;
    let mut out = String::with_capacity(text.len().min(LIMIT) + 8);
    out.push('`');
    for (n, c) in text.chars().enumerate() {
        if n == LIMIT {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for &code in Code::ALL {
            assert!(
                seen.insert(code.as_str()),
                "duplicate code {}",
                code.as_str()
            );
            assert_eq!(Code::from_code(code.as_str()), Some(code));
            assert!(!code.description().is_empty());
        }
    }

    #[test]
    fn quote_escapes_and_truncates() {
        assert_eq!(quote("a\r\nb"), "`a\\r\\nb`");
        let long = "x".repeat(1000);
        assert!(quote(&long).len() < 100);
    }
}

//! Deciding whether an S3 bucket policy or ACL makes a bucket public, as S3 Block Public Access
//! defines "public": a grant to everyone that no condition really narrows.
//!
//! A policy statement is public when it `Allow`s, names every principal (`"Principal": "*"`,
//! `{"AWS": "*"}`, or any `NotPrincipal`), and none of its conditions pins the caller to fixed
//! values of a key that identifies who or where they are ([`RESTRICTING_KEYS`]). A condition does
//! not restrict when its operator is negated (`StringNotEquals`, `NotIpAddress`), ends in
//! `IfExists` (absent keys pass), uses wildcards in a `Like` match, or, for `aws:SourceIp`,
//! allows a range wider than /8 (IPv4) or /32 (IPv6). Conditions on `aws:SecureTransport`,
//! `aws:Referer` or `aws:UserAgent` never restrict: anyone can satisfy them.
//!
//! An explicit `Deny` cancels a public `Allow` when it applies to every principal (`"*"` or any
//! `NotPrincipal`), covers all of the Allow's actions and resources (wildcards compared as
//! patterns: `s3:Get*` covers `s3:GetObject`, `arn:aws:s3:::b/private/*` does not cover
//! `arn:aws:s3:::b/*`), and is either unconditional or conditioned only on "unless the caller is
//! one of mine" — a negated operator (`StringNotEquals`, `NotIpAddress`, …) on a restricting key
//! with fixed values, e.g. deny everyone whose `aws:SourceVpce` is not `vpce-1`. A Deny that is
//! narrower (fewer actions, a sub-path) or conditioned on anything else (`aws:SecureTransport`
//! false: plain-HTTP requests only) leaves the Allow public.
//!
//! An ACL is public when it grants anything to the `AllUsers` group (anonymous) or to
//! `AuthenticatedUsers` (any AWS account), by grant list, `x-amz-grant-*` header or canned ACL.

use ipnet::IpNet;
use serde_json::Value;

use crate::detect::common::{as_list, get_ci};

/// Who a grant opens the bucket to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Audience {
    /// Every authenticated AWS principal in any account (`AuthenticatedUsers`).
    AnyAwsAccount,
    /// Anyone on the internet, signed or not (`Principal: "*"`, `AllUsers`).
    Anonymous,
}

/// One public grant, explained.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicGrant {
    pub audience: Audience,
    /// e.g. `statement "PublicRead" allows s3:GetObject to Principal "*" without a restricting condition`.
    pub why: String,
}

/// Condition keys (lower-cased) that tie a request to a known caller or network.
pub const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:userid",
    "aws:username",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// The public grants of a bucket policy (a JSON object, or a JSON text of one).
pub fn policy_public_grants(policy: &Value) -> Vec<PublicGrant> {
    let parsed;
    let policy = match policy {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) => return Vec::new(),
        },
        other => other,
    };
    let mut out = Vec::new();
    let statements = as_list(get_ci(policy, "Statement"));
    let denies: Vec<&Value> = statements
        .iter()
        .copied()
        .filter(|st| get_ci(st, "Effect").and_then(Value::as_str) == Some("Deny") && applies_to_everyone(st))
        .filter(|st| get_ci(st, "Condition").is_none_or(only_exempts_known_callers))
        .collect();
    for (i, st) in statements.iter().copied().enumerate() {
        if get_ci(st, "Effect").and_then(Value::as_str) != Some("Allow") || !applies_to_everyone(st) {
            continue;
        }
        if get_ci(st, "Condition").and_then(restricting_condition).is_some() {
            continue;
        }
        if denies.iter().any(|deny| deny_covers(deny, st)) {
            continue;
        }
        let sid =
            get_ci(st, "Sid").and_then(Value::as_str).map_or(format!("#{}", i + 1), |s| format!("\"{s}\""));
        let actions: Vec<String> = as_list(get_ci(st, "Action").or_else(|| get_ci(st, "NotAction")))
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        out.push(PublicGrant {
            audience: Audience::Anonymous,
            why: format!(
                "statement {sid} allows {} to every principal (\"*\") with no condition that restricts the caller",
                if actions.is_empty() { "its actions".to_string() } else { actions.join(", ") }
            ),
        });
    }
    out
}

/// `"Principal": "*"`, `{"AWS": "*"}`, or any `NotPrincipal` (everyone but a few).
fn applies_to_everyone(st: &Value) -> bool {
    match (get_ci(st, "Principal"), get_ci(st, "NotPrincipal")) {
        (_, Some(_)) => true,
        (Some(p), None) => principal_is_everyone(p),
        (None, None) => false,
    }
}

/// Whether a Deny's condition only exempts known callers: every entry is a negated operator
/// on a restricting key with fixed values ("deny unless from my VPC endpoint / org / range").
/// Entries combine with AND, so one entry of another kind narrows the Deny to some requests.
fn only_exempts_known_callers(condition: &Value) -> bool {
    let Some(ops) = condition.as_object() else { return false };
    let mut entries = 0;
    for (op, keys) in ops {
        let op_lc = op.to_ascii_lowercase();
        let negated =
            op_lc.starts_with("stringnot") || op_lc.starts_with("arnnot") || op_lc == "notipaddress";
        let Some(keys) = keys.as_object() else { return false };
        for (key, values) in keys {
            entries += 1;
            let key_lc = key.to_ascii_lowercase();
            let values: Vec<&str> = as_list(Some(values)).iter().filter_map(|v| v.as_str()).collect();
            if !negated
                || !RESTRICTING_KEYS.contains(&key_lc.as_str())
                || values.is_empty()
                || !fixed_values(&op_lc, &key_lc, &values)
            {
                return false;
            }
        }
    }
    entries > 0
}

/// Whether a Deny statement covers every action and resource an Allow statement grants.
fn deny_covers(deny: &Value, allow: &Value) -> bool {
    covers(deny, allow, "Action", "NotAction", normalize_action, false)
        && covers(deny, allow, "Resource", "NotResource", |s| s.to_string(), true)
}

/// For one dimension (actions or resources): every pattern the Allow grants falls inside the
/// Deny's `field` patterns, or outside its `not_field` patterns. An Allow given by `not_field`
/// (everything except …) is covered only by a Deny of everything.
fn covers(
    deny: &Value,
    allow: &Value,
    field: &str,
    not_field: &str,
    norm: fn(&str) -> String,
    case_sensitive: bool,
) -> bool {
    let patterns = |st: &Value, f: &str| -> Option<Vec<String>> {
        get_ci(st, f).map(|v| as_list(Some(v)).iter().filter_map(|x| x.as_str()).map(norm).collect())
    };
    let everything = |p: &[String]| p.iter().any(|x| x == "*" || x == "s3:*");
    let granted = match patterns(allow, field) {
        Some(g) => g,
        None => vec!["*".to_string()],
    };
    let granted_everything = everything(&granted) || get_ci(allow, not_field).is_some();
    if let Some(denied) = patterns(deny, field) {
        if everything(&denied) {
            return true;
        }
        return !granted_everything
            && granted.iter().all(|g| denied.iter().any(|d| glob_covers(d, g, case_sensitive)));
    }
    if let Some(spared) = patterns(deny, not_field) {
        return !granted_everything
            && granted.iter().all(|g| !spared.iter().any(|d| glob_covers(d, g, case_sensitive)));
    }
    false
}

/// `*` and `s3:*` name the same thing in a bucket policy; action names are case-insensitive.
fn normalize_action(a: &str) -> String {
    if a == "*" {
        "s3:*".into()
    } else {
        a.to_ascii_lowercase()
    }
}

/// Whether pattern `outer` matches everything pattern `inner` matches: `inner` is read as
/// text, `outer`'s `*` may swallow any of it (wildcards included) but its `?` and literal
/// characters may not stand for a wildcard of `inner`.
fn glob_covers(outer: &str, inner: &str, case_sensitive: bool) -> bool {
    let eq = |a: char, b: char| if case_sensitive { a == b } else { a.eq_ignore_ascii_case(&b) };
    let o: Vec<char> = outer.chars().collect();
    let i: Vec<char> = inner.chars().collect();
    // Classic wildcard matching by dynamic programming over (outer, inner) prefixes.
    let mut dp = vec![vec![false; i.len() + 1]; o.len() + 1];
    dp[0][0] = true;
    for a in 1..=o.len() {
        if o[a - 1] == '*' {
            dp[a][0] = dp[a - 1][0];
        }
        for b in 1..=i.len() {
            dp[a][b] = match o[a - 1] {
                '*' => dp[a - 1][b] || dp[a][b - 1],
                '?' => i[b - 1] != '*' && dp[a - 1][b - 1],
                c => i[b - 1] != '*' && i[b - 1] != '?' && eq(c, i[b - 1]) && dp[a - 1][b - 1],
            };
        }
    }
    dp[o.len()][i.len()]
}

fn principal_is_everyone(p: &Value) -> bool {
    match p {
        Value::String(s) => s == "*",
        Value::Object(_) => as_list(get_ci(p, "AWS")).iter().any(|v| v.as_str() == Some("*")),
        _ => false,
    }
}

/// The first condition that really restricts the caller, as `operator key`, if any.
fn restricting_condition(condition: &Value) -> Option<String> {
    let ops = condition.as_object()?;
    for (op, keys) in ops {
        let op_lc = op.to_ascii_lowercase();
        if op_lc.contains("not") || op_lc.ends_with("ifexists") || op_lc.starts_with("forallvalues") {
            continue;
        }
        let Some(keys) = keys.as_object() else { continue };
        for (key, values) in keys {
            let key_lc = key.to_ascii_lowercase();
            if !RESTRICTING_KEYS.contains(&key_lc.as_str()) {
                continue;
            }
            let values: Vec<&str> = as_list(Some(values)).iter().filter_map(|v| v.as_str()).collect();
            if values.is_empty() {
                continue;
            }
            if fixed_values(&op_lc, &key_lc, &values) {
                return Some(format!("{op} {key}"));
            }
        }
    }
    None
}

/// Whether condition values pin a key to known callers: no `*`, no wildcard in a `Like` match,
/// and for `aws:SourceIp` only ranges no wider than /8 (IPv4) or /32 (IPv6).
fn fixed_values(op_lc: &str, key_lc: &str, values: &[&str]) -> bool {
    if key_lc == "aws:sourceip" {
        values.iter().all(|v| narrow_ip_range(v))
    } else {
        let like = op_lc.contains("like");
        values.iter().all(|v| *v != "*" && !(like && (v.contains('*') || v.contains('?'))))
    }
}

/// `true` for an address or a range no wider than /8 (IPv4) or /32 (IPv6).
fn narrow_ip_range(text: &str) -> bool {
    if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        return !ip.is_unspecified();
    }
    match text.parse::<IpNet>() {
        Ok(IpNet::V4(n)) => n.prefix_len() >= 8,
        Ok(IpNet::V6(n)) => n.prefix_len() >= 32,
        Err(_) => false,
    }
}

/// The public grants of a `PutBucketAcl` / `CreateBucket` request: grant list, `x-amz-grant-*`
/// headers and canned ACL (`x-amz-acl`).
pub fn acl_public_grants(request: &Value) -> Vec<PublicGrant> {
    let mut out = Vec::new();
    let mut add = |uri: &str, permission: &str, how: &str| {
        let audience = if uri.eq_ignore_ascii_case(ALL_USERS) {
            Audience::Anonymous
        } else if uri.eq_ignore_ascii_case(AUTHENTICATED_USERS) {
            Audience::AnyAwsAccount
        } else {
            return;
        };
        let group = if audience == Audience::Anonymous { "AllUsers" } else { "AuthenticatedUsers" };
        out.push(PublicGrant { audience, why: format!("{how} grants {permission} to the {group} group") });
    };
    if let Some(acl) = get_ci(request, "AccessControlPolicy") {
        let list = get_ci(acl, "AccessControlList").unwrap_or(&Value::Null);
        for grant in as_list(get_ci(list, "Grant")) {
            let grantee = get_ci(grant, "Grantee").unwrap_or(&Value::Null);
            if let Some(uri) = get_ci(grantee, "URI").and_then(Value::as_str) {
                let permission = get_ci(grant, "Permission").and_then(Value::as_str).unwrap_or("access");
                add(uri, permission, "the ACL");
            }
        }
    }
    for (header, permission) in [
        ("x-amz-grant-read", "READ"),
        ("x-amz-grant-write", "WRITE"),
        ("x-amz-grant-read-acp", "READ_ACP"),
        ("x-amz-grant-write-acp", "WRITE_ACP"),
        ("x-amz-grant-full-control", "FULL_CONTROL"),
    ] {
        for v in as_list(get_ci(request, header)) {
            let Some(text) = v.as_str() else { continue };
            for part in text.split(',') {
                let part = part.trim();
                if let Some(uri) = part.strip_prefix("uri=").or_else(|| part.strip_prefix("URI=")) {
                    add(uri.trim_matches('"'), permission, header);
                }
            }
        }
    }
    for v in as_list(get_ci(request, "x-amz-acl")) {
        match v.as_str() {
            Some("public-read") => add(ALL_USERS, "READ", "the canned ACL public-read"),
            Some("public-read-write") => add(ALL_USERS, "READ and WRITE", "the canned ACL public-read-write"),
            Some("authenticated-read") => {
                add(AUTHENTICATED_USERS, "READ", "the canned ACL authenticated-read")
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(principal: Value, condition: Option<Value>) -> Value {
        let mut st = json!({"Sid":"S","Effect":"Allow","Principal":principal,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"});
        if let Some(c) = condition {
            st["Condition"] = c;
        }
        json!({"Version":"2012-10-17","Statement":[st]})
    }

    #[test]
    fn everyone_without_real_restriction_is_public() {
        for (p, c) in [
            (json!("*"), None),
            (json!({"AWS":"*"}), None),
            (json!({"AWS":["*"]}), Some(json!({"Bool":{"aws:SecureTransport":"true"}}))),
            (json!("*"), Some(json!({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}))),
            (json!("*"), Some(json!({"StringLike":{"aws:Referer":"https://example.com/*"}}))),
            (json!("*"), Some(json!({"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}))),
            (json!("*"), Some(json!({"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}))),
            (json!("*"), Some(json!({"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}))),
        ] {
            let g = policy_public_grants(&policy(p.clone(), c.clone()));
            assert_eq!(g.len(), 1, "{p} {c:?}");
            assert_eq!(g[0].audience, Audience::Anonymous);
        }
    }

    #[test]
    fn restricted_or_named_principals_are_not_public() {
        for (p, c) in [
            (json!({"AWS":"arn:aws:iam::111122223333:root"}), None),
            (json!({"Service":"cloudtrail.amazonaws.com"}), None),
            (json!("*"), Some(json!({"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}))),
            (json!("*"), Some(json!({"IpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.7"]}}))),
            (json!("*"), Some(json!({"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}))),
            (json!({"AWS":"*"}), Some(json!({"StringEquals":{"aws:SourceAccount":"111122223333"}}))),
        ] {
            assert!(policy_public_grants(&policy(p.clone(), c.clone())).is_empty(), "{p} {c:?}");
        }
        let deny = json!({"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]});
        assert!(policy_public_grants(&deny).is_empty());
    }

    fn with_deny(deny: Value) -> Value {
        json!({"Statement":[
            {"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            deny
        ]})
    }

    #[test]
    fn a_covering_deny_for_everyone_cancels_the_public_allow() {
        for deny in [
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}),
            json!({"Effect":"Deny","Principal":{"AWS":"*"},"Action":"*","Resource":"*"}),
            json!({"Effect":"Deny","Principal":"*","Action":["s3:Get*"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}),
            json!({"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}),
            json!({"Effect":"Deny","Principal":"*","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}),
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*",
                   "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}}),
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*",
                   "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}),
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*",
                   "Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}),
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*",
                   "Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1","aws:PrincipalAccount":"111122223333"}}}),
        ] {
            assert!(policy_public_grants(&with_deny(deny.clone())).is_empty(), "{deny}");
        }
    }

    #[test]
    fn a_narrower_or_unrelated_deny_leaves_the_bucket_public() {
        for deny in [
            // Other actions only.
            json!({"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}),
            // A sub-path only.
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/private/*"}),
            // The bucket, not its objects.
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b"}),
            // Another bucket.
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}),
            // One named principal, not everyone.
            json!({"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"s3:*","Resource":"*"}),
            // NotAction that spares the granted action.
            json!({"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"*"}),
            // Plain HTTP only: anyone over TLS still reads.
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                   "Condition":{"Bool":{"aws:SecureTransport":"false"}}}),
            // Conditions anyone can satisfy, or that exempt everybody.
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                   "Condition":{"StringNotLike":{"aws:UserAgent":"curl*"}}}),
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                   "Condition":{"StringNotLike":{"aws:Referer":"https://example.com/*"}}}),
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                   "Condition":{"NotIpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}),
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                   "Condition":{"StringNotLike":{"aws:PrincipalOrgID":"*"}}}),
            // "Deny unless from my VPC endpoint" AND plain HTTP: TLS requests from anywhere pass.
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                   "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"},"Bool":{"aws:SecureTransport":"false"}}}),
            // A positive condition: deny only the listed VPC, everyone else reads.
            json!({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                   "Condition":{"StringEquals":{"aws:SourceVpc":"vpc-bad"}}}),
        ] {
            assert_eq!(policy_public_grants(&with_deny(deny.clone())).len(), 1, "{deny}");
        }
        // An Allow of everything is only cancelled by a Deny of everything.
        let all = json!({"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]});
        assert_eq!(policy_public_grants(&all).len(), 1);
    }

    #[test]
    fn glob_coverage() {
        assert!(glob_covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/*", true));
        assert!(glob_covers("arn:aws:s3:::*", "arn:aws:s3:::b/x/*", true));
        assert!(!glob_covers("arn:aws:s3:::b/?", "arn:aws:s3:::b/*", true));
        assert!(!glob_covers("arn:aws:s3:::b/x*", "arn:aws:s3:::b/*", true));
        assert!(glob_covers("s3:get*", "s3:getobject", false));
        assert!(!glob_covers("arn:aws:s3:::B/*", "arn:aws:s3:::b/k", true));
    }

    #[test]
    fn policy_given_as_text_and_single_statement_object() {
        let text = Value::String(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#.into(),
        );
        assert_eq!(policy_public_grants(&text).len(), 1);
        assert!(policy_public_grants(&Value::String("not json".into())).is_empty());
    }

    #[test]
    fn acl_grants_headers_and_canned_acls() {
        let grants = json!({"AccessControlPolicy":{"AccessControlList":{"Grant":[
            {"Grantee":{"xsi:type":"CanonicalUser","ID":"abc"},"Permission":"FULL_CONTROL"},
            {"Grantee":{"xsi:type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}]}}});
        assert_eq!(acl_public_grants(&grants)[0].audience, Audience::Anonymous);
        let single = json!({"AccessControlPolicy":{"AccessControlList":{"Grant":
            {"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"Permission":"READ"}}}});
        assert_eq!(acl_public_grants(&single)[0].audience, Audience::AnyAwsAccount);
        let header = json!({"x-amz-grant-read":["uri=http://acs.amazonaws.com/groups/global/AllUsers"]});
        assert_eq!(acl_public_grants(&header).len(), 1);
        assert_eq!(acl_public_grants(&json!({"x-amz-acl":["public-read"]}))[0].audience, Audience::Anonymous);
        assert!(acl_public_grants(&json!({"x-amz-acl":["private"]})).is_empty());
        let log_delivery = json!({"AccessControlPolicy":{"AccessControlList":{"Grant":
            {"Grantee":{"URI":"http://acs.amazonaws.com/groups/s3/LogDelivery"},"Permission":"WRITE"}}}});
        assert!(acl_public_grants(&log_delivery).is_empty());
    }
}

/*
 * A minimal program over libhstsguard: build a policy at start-up, decide two requests,
 * flag a Set-Cookie. Build it against an installed library with
 *
 *     cc example.c $(pkg-config --cflags --libs hstsguard) -o example
 *
 * and run it with an optional policy file: ./example [policy.toml]
 */
#include <stdio.h>
#include <string.h>

#include <hstsguard.h>

static const char POLICY[] =
    "[hsts]\n"
    "max_age = \"2y\"\n"
    "preload = true\n"
    "[redirect]\n"
    "allowed_hosts = [\"example.com\", \".example.com\"]\n"
    "[[cookies.rules]]\n"
    "name = \"*\"\n"
    "secure = true\n"
    "http_only = true\n"
    "same_site = \"Lax\"\n";

/* Prints every configuration error with its path, as a server does at start-up. */
static void print_error(hstsguard_result rc, const hstsguard_error *err) {
    size_t i, n = hstsguard_error_details_len(err);
    fprintf(stderr, "policy error: %s\n", hstsguard_result_name(rc));
    for (i = 0; i < n; i++) {
        hstsguard_config_error e;
        if (hstsguard_error_detail(err, i, &e) == HSTSGUARD_OK) {
            fprintf(stderr, "  %.*s: %.*s [%s]\n", (int)e.path.len, e.path.data,
                    (int)e.message.len, e.message.data, e.code);
        }
    }
    if (n == 0 && err) {
        char msg[512];
        size_t len = 0;
        hstsguard_error_message(err, msg, sizeof msg, &len);
        fprintf(stderr, "  %.*s\n", (int)(len < sizeof msg ? len : sizeof msg), msg);
    }
}

static int decide(const hstsguard_policy *policy, const char *method, bool tls,
                  const char *host, const char *target) {
    hstsguard_request req;
    hstsguard_decision d;
    char location[2048];
    size_t i;
    hstsguard_result rc;

    memset(&req, 0, sizeof req);
    req.method.data = method;
    req.method.len = strlen(method);
    req.tls = tls;
    req.host.data = host;
    req.host.len = strlen(host);
    req.target.data = target;
    req.target.len = strlen(target);

    rc = hstsguard_policy_evaluate(policy, &req, &d, location, sizeof location);
    if (rc != HSTSGUARD_OK) {
        fprintf(stderr, "evaluate: %s\n", hstsguard_result_name(rc));
        return 1;
    }
    printf("%s %s%s%s: ", method, tls ? "https://" : "http://", host, target);
    switch (d.action) {
    case HSTSGUARD_ACTION_PASS:
        printf("pass");
        break;
    case HSTSGUARD_ACTION_REDIRECT:
        printf("redirect %u to %.*s", d.status, (int)d.location_len, location);
        break;
    default:
        printf("reject %u (%s)", d.status, d.reason_code);
        break;
    }
    for (i = 0; i < d.headers_len; i++) {
        printf("; set %.*s: %.*s", (int)d.headers[i].name.len, d.headers[i].name.data,
               (int)d.headers[i].value.len, d.headers[i].value.data);
    }
    printf("\n");
    return 0;
}

int main(int argc, char **argv) {
    hstsguard_policy *policy = NULL;
    hstsguard_error *err = NULL;
    hstsguard_cookie cookie;
    char flagged[256];
    const char *set_cookie = "sid=42; Path=/";
    hstsguard_result rc;
    int failures = 0;

    printf("libhstsguard %s (header %s)\n", hstsguard_version(), HSTSGUARD_VERSION);
    if (argc > 1) {
        rc = hstsguard_policy_from_file(argv[1], strlen(argv[1]), &policy, &err);
    } else {
        rc = hstsguard_policy_from_toml(POLICY, sizeof POLICY - 1, &policy, &err);
    }
    if (rc != HSTSGUARD_OK) {
        print_error(rc, err);
        hstsguard_error_free(err);
        return 1;
    }

    failures += decide(policy, "POST", false, "www.example.com", "/login?next=/");
    failures += decide(policy, "GET", true, "www.example.com", "/");
    failures += decide(policy, "GET", false, "evil.example.net", "/");

    rc = hstsguard_policy_flag_set_cookie(policy, set_cookie, strlen(set_cookie), true, flagged,
                                          sizeof flagged, &cookie, NULL, 0);
    if (rc == HSTSGUARD_OK) {
        printf("Set-Cookie: %.*s\n", (int)cookie.len, flagged);
    } else {
        fprintf(stderr, "flag: %s\n", hstsguard_result_name(rc));
        failures++;
    }

    hstsguard_policy_free(policy);
    return failures ? 1 : 0;
}

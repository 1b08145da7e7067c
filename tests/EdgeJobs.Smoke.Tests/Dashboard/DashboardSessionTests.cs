using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace EdgeJobs.Smoke.Tests.Dashboard;

/// <summary>
/// The dashboard's files and sign-in over plain HTTP against the published binary: what a browser is sent, and what a
/// session cookie may and may not do (the bearer token's rules stay as they were).
/// </summary>
[NotInParallel("edgejobs-binary")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DashboardSessionTests
{
    private static async Task<(string Dir, Proc Up, string Url, string Admin)> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "edgejobs-smoke", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var (up, env) = await UpProcess.StartAsync(Path.Combine(dir, "data"));
        return (dir, up, env["EDGEJOBS_URL"], (await File.ReadAllTextAsync(env["EDGEJOBS_TOKEN_FILE"])).Trim());
    }

    // Cookies by hand, so each request carries exactly what the test means.
    private static HttpClient Client(string url) => new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };

    private static HttpRequestMessage Request(HttpMethod method, string path, string? cookie = null, string? csrf = null, string? json = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (csrf is not null)
        {
            request.Headers.Add("X-EdgeJobs-CSRF", csrf);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static async Task<(string Cookie, string Csrf, JsonElement Body)> SignInAsync(HttpClient http, string token)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Post, "/ui/session", json: JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = token })));
        await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (setCookie.Split(';')[0], body.GetProperty("csrf").GetString()!, body);
    }

    private static async Task<int> CountJobsAsync(HttpClient http, string admin)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, "/v1/jobs?status=all", bearer: admin));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("jobs").GetArrayLength();
    }

    [Test]
    public async Task the_dashboard_files_are_served_with_a_strict_csp_and_revalidate_by_etag()
    {
        var (dir, up, url, _) = await StartAsync();
        await using var _ = up;
        using var http = Client(url);

        using var redirect = await http.GetAsync("/ui");
        await Assert.That(redirect.StatusCode).IsEqualTo(HttpStatusCode.Redirect);
        await Assert.That(redirect.Headers.Location!.ToString()).IsEqualTo("/ui/");

        using var page = await http.GetAsync("/ui/");
        await Assert.That(page.StatusCode).IsEqualTo(HttpStatusCode.OK);
        await Assert.That(page.Content.Headers.ContentType!.MediaType).IsEqualTo("text/html");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        await Assert.That(csp).StartsWith("default-src 'self'");
        await Assert.That(csp).Contains("frame-ancestors 'none'");
        await Assert.That(csp).DoesNotContain("unsafe");
        await Assert.That(page.Headers.GetValues("X-Content-Type-Options").Single()).IsEqualTo("nosniff");
        var html = await page.Content.ReadAsStringAsync();
        await Assert.That(html).Contains("<script type=\"module\" src=\"app.js\">");
        await Assert.That(html).DoesNotContain("http://").And.DoesNotContain("https://");

        foreach (var (asset, type) in new[] { ("app.js", "text/javascript"), ("core.js", "text/javascript"), ("jobs.js", "text/javascript"), ("map.js", "text/javascript"), ("vendor/leaflet.js", "text/javascript"), ("vendor/leaflet.css", "text/css"), ("app.css", "text/css"), ("icon.svg", "image/svg+xml") })
        {
            using var response = await http.GetAsync("/ui/" + asset);
            await Assert.That(response.StatusCode).IsEqualTo(HttpStatusCode.OK);
            await Assert.That(response.Content.Headers.ContentType!.MediaType).IsEqualTo(type);
            var etag = response.Headers.ETag!.Tag;
            using var again = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/ui/" + asset) { Headers = { { "If-None-Match", etag } } });
            await Assert.That(again.StatusCode).IsEqualTo(HttpStatusCode.NotModified);
            // Nothing the page loads names another origin (the SVG's namespace is an identifier, never fetched).
            // Leaflet's own: comments naming browser bugs, and the attribution link the map preview turns off.
            var text = (await response.Content.ReadAsStringAsync()).Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal)
                .Replace("https://leafletjs.com", "", StringComparison.Ordinal).Replace("https://bugs.chromium.org/p/chromium/issues/detail?id=600120", "", StringComparison.Ordinal)
                .Replace("https://bugzilla.mozilla.org/show_bug.cgi?id=888319", "", StringComparison.Ordinal);
            await Assert.That(text).DoesNotContain("http://").And.DoesNotContain("https://");
        }

        using var missing = await http.GetAsync("/ui/nothing.js");
        await Assert.That(missing.StatusCode).IsEqualTo(HttpStatusCode.NotFound);
        await Assert.That(await up.TerminateAsync(TimeSpan.FromSeconds(20))).IsEqualTo(0);
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public async Task a_session_cookie_acts_as_its_token_and_a_change_without_the_csrf_header_changes_nothing()
    {
        var (dir, up, url, admin) = await StartAsync();
        await using var _ = up;
        using var http = Client(url);

        // Bad input: a clear error each, and no cookie.
        foreach (var (body, contentType, status, code) in new[]
                 {
                     ("{\"token\":\"ej_unknown\"}", "application/json", 401, "unauthorized"),
                     ("{}", "application/json", 400, "invalid_body"),
                     ("{\"token\":", "application/json", 400, "invalid_json"),
                     ("token=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
                 })
        {
            using var refused = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/ui/session") { Content = new StringContent(body, Encoding.UTF8, contentType) });
            await Assert.That((int)refused.StatusCode).IsEqualTo(status);
            await Assert.That(await refused.Content.ReadAsStringAsync()).Contains($"\"error_code\":\"{code}\"");
            await Assert.That(refused.Headers.Contains("Set-Cookie")).IsFalse();
        }

        using (var signedOut = await http.GetAsync("/ui/session"))
        {
            await Assert.That(await signedOut.Content.ReadAsStringAsync()).Contains("\"signed_in\":false");
        }

        var (cookie, csrf, session) = await SignInAsync(http, admin);
        using (var raw = await http.SendAsync(Request(HttpMethod.Post, "/ui/session", json: $"{{\"token\":\"{admin}\"}}")))
        {
            var setCookie = raw.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
            await Assert.That(setCookie).Contains("httponly").And.Contains("samesite=strict").And.Contains("path=/");
            await Assert.That(await raw.Content.ReadAsStringAsync()).DoesNotContain(admin);
        }

        await Assert.That(session.GetProperty("name").GetString()).IsEqualTo("admin");
        using (var current = await http.SendAsync(Request(HttpMethod.Get, "/ui/session", cookie)))
        {
            await Assert.That(await current.Content.ReadAsStringAsync()).Contains($"\"csrf\":\"{csrf}\"");
        }

        // Reads need no CSRF header.
        using (var list = await http.SendAsync(Request(HttpMethod.Get, "/v1/jobs", cookie)))
        {
            await Assert.That(list.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        // A submit through the cookie without the header (or with another value) is refused and makes no job.
        const string sleep = "{\"tool\":\"sleep\",\"params\":{\"seconds\":30}}";
        foreach (var header in new string?[] { null, "wrong", "" })
        {
            using var forged = await http.SendAsync(Request(HttpMethod.Post, "/v1/jobs", cookie, header, sleep));
            await Assert.That(forged.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
            await Assert.That(await forged.Content.ReadAsStringAsync()).Contains("csrf_token_missing");
        }

        await Assert.That(await CountJobsAsync(http, admin)).IsEqualTo(0);
        using var submitted = await http.SendAsync(Request(HttpMethod.Post, "/v1/jobs", cookie, csrf, sleep));
        await Assert.That(submitted.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        var id = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        // A stop without the header changes nothing either; with it, the job stops.
        using (var forgedStop = await http.SendAsync(Request(HttpMethod.Post, $"/v1/jobs/{id}/stop", cookie)))
        {
            await Assert.That(forgedStop.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        }

        using (var job = await http.SendAsync(Request(HttpMethod.Get, $"/v1/jobs/{id}", bearer: admin)))
        {
            await Assert.That(await job.Content.ReadAsStringAsync()).DoesNotContain("\"status\":\"stop");
        }

        using (var stop = await http.SendAsync(Request(HttpMethod.Post, $"/v1/jobs/{id}/stop", cookie, csrf)))
        {
            await Assert.That(stop.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        // A bearer token is judged alone: a bad one is a 401 even beside a good cookie; a good one needs no CSRF header.
        using (var badBearer = await http.SendAsync(Request(HttpMethod.Get, "/v1/jobs", cookie, bearer: "ej_unknown")))
        {
            await Assert.That(badBearer.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        }

        using (var bearerOnly = await http.SendAsync(Request(HttpMethod.Post, $"/v1/jobs/{id}/stop", bearer: admin)))
        {
            await Assert.That(bearerOnly.StatusCode).IsEqualTo(HttpStatusCode.OK);
        }

        // Sign-out needs the header too, then the cookie is worth nothing.
        using (var forgedOut = await http.SendAsync(Request(HttpMethod.Delete, "/ui/session", cookie)))
        {
            await Assert.That(forgedOut.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        }

        using (var signOut = await http.SendAsync(Request(HttpMethod.Delete, "/ui/session", cookie, csrf)))
        {
            await Assert.That(signOut.StatusCode).IsEqualTo(HttpStatusCode.NoContent);
        }

        using (var after = await http.SendAsync(Request(HttpMethod.Get, "/v1/jobs", cookie)))
        {
            await Assert.That(after.StatusCode).IsEqualTo(HttpStatusCode.Unauthorized);
        }

        await Assert.That(await up.TerminateAsync(TimeSpan.FromSeconds(20))).IsEqualTo(0);
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public async Task a_writer_signed_in_sees_only_its_own_jobs_and_an_agent_token_cannot_sign_in()
    {
        var (dir, up, url, admin) = await StartAsync();
        await using var _ = up;
        using var http = Client(url);
        var data = Path.Combine(dir, "data");
        var writer = (await Binary.RunAsync(Binary.EdgeJobs, ["token", "create", "--data-dir", data, "--scopes", "jobs:read,jobs:write", "--name", "writer"])).Stdout.Trim();

        using (var other = await http.SendAsync(Request(HttpMethod.Post, "/v1/jobs", bearer: admin, json: "{\"tool\":\"sleep\",\"params\":{\"seconds\":0.1}}")))
        {
            await Assert.That(other.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        }

        var (cookie, csrf, session) = await SignInAsync(http, writer);
        await Assert.That(session.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray()).IsEquivalentTo(new[] { "jobs:read", "jobs:write" }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        using (var own = await http.SendAsync(Request(HttpMethod.Post, "/v1/jobs", cookie, csrf, "{\"tool\":\"sleep\",\"params\":{\"seconds\":0.1}}")))
        {
            await Assert.That(own.StatusCode).IsEqualTo(HttpStatusCode.Accepted);
        }

        using (var list = await http.SendAsync(Request(HttpMethod.Get, "/v1/jobs?status=all", cookie)))
        {
            var jobs = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("jobs");
            await Assert.That(jobs.GetArrayLength()).IsEqualTo(1);
            await Assert.That(jobs[0].GetProperty("owner").GetString()).IsEqualTo("writer");
        }

        using (var nodes = await http.SendAsync(Request(HttpMethod.Get, "/v1/nodes", cookie)))
        {
            await Assert.That(nodes.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
        }

        var agent = (await File.ReadAllTextAsync(Path.Combine(data, "agent.token"))).Trim();
        using (var refused = await http.SendAsync(Request(HttpMethod.Post, "/ui/session", json: $"{{\"token\":\"{agent}\"}}")))
        {
            await Assert.That(refused.StatusCode).IsEqualTo(HttpStatusCode.Forbidden);
            await Assert.That(refused.Headers.Contains("Set-Cookie")).IsFalse();
        }

        await Assert.That(await up.TerminateAsync(TimeSpan.FromSeconds(20))).IsEqualTo(0);
        Directory.Delete(dir, recursive: true);
    }
}

namespace EdgeJobs.Protocol.Rest;

/// <summary>The dashboard's sign-in, <c>POST /ui/session</c>: a bearer token exchanged for a session cookie.</summary>
public sealed record SessionRequest(string Token);

/// <summary>
/// The dashboard's session, <c>POST</c> and <c>GET /ui/session</c>. <see cref="Csrf"/> is the value the page sends
/// back in the <c>X-EdgeJobs-CSRF</c> header on every mutating request; the session id itself stays in the HttpOnly
/// cookie. Signed out: only <see cref="SignedIn"/> = false.
/// </summary>
public sealed record SessionDto(
    bool SignedIn,
    string? Name = null,
    string? Org = null,
    IReadOnlyList<string>? Scopes = null,
    string? Csrf = null,
    DateTimeOffset? ExpiresAt = null);

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace EdgeJobs.Coordinator.Auth;

/// <summary>
/// The dashboard's sign-ins: a random session id (the HttpOnly cookie) mapped to the hash of the token it was
/// exchanged for, so every request through a session is the token's principal, looked up as a bearer token is
/// (a revoked token ends its sessions within <see cref="TokenCache.Lifetime"/>). Kept in memory only: a restart
/// signs everyone out, and neither the session id nor the token is ever written anywhere.
/// </summary>
/// <remarks>
/// Each session has its own CSRF value (the synchronizer-token pattern): the page reads it from the session answer
/// and sends it as <see cref="CsrfHeader"/> on every mutating request. Another site can neither read it (no CORS)
/// nor send the cookie at all (SameSite=Strict); the header is the second lock.
/// </remarks>
internal sealed class DashboardSessions(TimeProvider time)
{
    public const string CookieName = "edgejobs_session";
    public const string CsrfHeader = "X-EdgeJobs-CSRF";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    // Bounds memory against a caller minting sessions in a loop with a valid token.
    private const int MaxSessions = 10_000;

    // Keyed by the SHA-256 of the session id, so the map holds nothing a memory dump could replay as a cookie.
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public sealed record Session(string TokenHash, string Csrf, DateTimeOffset ExpiresAt);

    /// <returns>The new session's id (the cookie's value) and the session; null when too many are open.</returns>
    public (string Id, Session Session)? Open(string tokenHash)
    {
        var now = time.GetUtcNow();
        if (_sessions.Count >= MaxSessions)
        {
            foreach (var (key, expired) in _sessions)
            {
                if (expired.ExpiresAt <= now)
                {
                    _sessions.TryRemove(key, out _);
                }
            }

            if (_sessions.Count >= MaxSessions)
            {
                return null;
            }
        }

        var id = Random();
        var session = new Session(tokenHash, Random(), now + Lifetime);
        _sessions[Key(id)] = session;
        return (id, session);
    }

    /// <summary>The live session a cookie names; null for an unknown, signed-out or expired one.</summary>
    public Session? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 100 || !_sessions.TryGetValue(Key(id), out var session))
        {
            return null;
        }

        if (session.ExpiresAt > time.GetUtcNow())
        {
            return session;
        }

        _sessions.TryRemove(Key(id), out _);
        return null;
    }

    public void Close(string id) => _sessions.TryRemove(Key(id), out _);

    /// <summary>Whether a request carries this session's CSRF value, compared in constant time.</summary>
    public static bool CsrfMatches(Session session, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(session.Csrf));

    private static string Key(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private static string Random() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

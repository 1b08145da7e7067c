using System.Security.Cryptography;
using System.Text;

namespace EdgeJobs.Coordinator.Auth;

/// <summary>
/// Bearer token secrets: 256 random bits, URL-safe, with an <c>ej_</c> prefix so a leaked one is easy to
/// recognise. Only the SHA-256 of a secret is stored; a high-entropy secret needs no slow hash.
/// </summary>
public static class TokenSecrets
{
    public const string Prefix = "ej_";

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form: lower-case hex of SHA-256.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Net;
using System.Security.Cryptography;

namespace EdgeJobs.Coordinator.Tests.Datasets;

/// <summary>
/// A request body of <paramref name="length"/> pseudo-random bytes made as it is sent, from one reused
/// buffer: large uploads without a large array in the test, and with its SHA-256 computed on the way.
/// Without a declared length it is sent chunked, as a client streaming from a pipe would.
/// </summary>
internal sealed class GeneratedContent(long length, int seed, bool declareLength = true) : HttpContent
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public string? Sha256 { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var random = new Random(seed);
        var buffer = new byte[64 * 1024];
        for (var left = length; left > 0;)
        {
            var n = (int)Math.Min(buffer.Length, left);
            random.NextBytes(buffer.AsSpan(0, n));
            _hash.AppendData(buffer, 0, n);
            await stream.WriteAsync(buffer.AsMemory(0, n));
            left -= n;
        }

        Sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    protected override bool TryComputeLength(out long computed)
    {
        computed = length;
        return declareLength;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}

using System.Security.Cryptography;
using System.Text;

namespace EdgeJobs.Coordinator.Datasets;

/// <summary>
/// The tokens in the URLs an agent without the datasets mounted reads a job's inputs through
/// (<c>/v1/leases/{token}/files/{path}</c>, GDAL's <c>/vsicurl/</c>): <c>{job}.{fence}.{mac}</c>, an HMAC-SHA256 of
/// the job and fence under a key of this data dir. It carries no rights of its own: the read endpoint serves only
/// while the ledger still shows that lease (same job, same fence, not ended) and only the paths that job's params
/// name as inputs, so a token dies with its lease and is useless for anything else. The key is kept in
/// <c>DATA_DIR/lease.key</c> (0600) so tokens survive a coordinator restart, as leases do.
/// </summary>
internal sealed class LeaseTokens
{
    private const int MacBytes = 16;
    private readonly byte[] _key;

    public LeaseTokens(string dataDir)
    {
        _key = Auth.KeyFiles.LoadOrCreate(Path.Combine(dataDir, "lease.key"), 32, Auth.KeyFiles.RandomKey, "running jobs' input URLs stop working");
    }

    public string Issue(long jobId, long fence) => $"{jobId}.{fence}.{Mac(jobId, fence)}";

    /// <summary>The job and fence of a well-formed token with a valid MAC; false for anything else.</summary>
    public bool TryRead(string token, out long jobId, out long fence)
    {
        jobId = 0;
        fence = 0;
        var parts = token.Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[0], out jobId) || !long.TryParse(parts[1], out fence) || jobId <= 0)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Mac(jobId, fence));
        var given = Encoding.ASCII.GetBytes(parts[2]);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private string Mac(long jobId, long fence)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{jobId}.{fence}"));
        return Convert.ToHexStringLower(mac.AsSpan(0, MacBytes));
    }
}

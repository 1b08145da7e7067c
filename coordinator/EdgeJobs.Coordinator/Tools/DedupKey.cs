using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Coordinator.Tools;

/// <summary>
/// What makes two submissions the same job: owner, tool, tool version, the params as canonical JSON,
/// and the identity (path, size, modification time) of every input file. Leaving any of these out is
/// how real systems returned the wrong job.
/// </summary>
public static class DedupKey
{
    public static string Of(string owner, string tool, string version, string canonicalParams, IReadOnlyList<InputFile> inputs)
    {
        var text = new StringBuilder()
            .Append(owner).Append('\n')
            .Append(tool).Append('\n')
            .Append(version).Append('\n')
            .Append(CanonicalJson.Of(canonicalParams)).Append('\n');
        foreach (var input in inputs)
        {
            text.Append(input.RelativePath).Append('\t')
                .Append(input.SizeBytes.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(input.ModifiedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

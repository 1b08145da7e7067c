using Dapper;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// Forward-only, numbered migrations embedded in the binary (<c>Migrations/NNNN_name.sql</c>). The
/// schema version is <c>PRAGMA user_version</c>. A database newer than this binary is refused: an
/// older coordinator must never write a schema it does not understand.
/// </summary>
internal static class Migrator
{
    public static int LatestVersion => Scripts.Count == 0 ? 0 : Scripts[^1].Version;

    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = Load();

    /// <returns>The versions applied now (empty when the schema was current).</returns>
    public static IReadOnlyList<int> Migrate(SqliteConnection connection)
    {
        var current = connection.ExecuteScalar<long>("PRAGMA user_version");
        if (current > LatestVersion)
        {
            throw new LedgerVersionException(
                $"the ledger's schema version is {current}, but this edgejobs understands only up to {LatestVersion}; " +
                "run a newer edgejobs (downgrades are not supported)");
        }

        var applied = new List<int>();
        foreach (var (version, name, sql) in Scripts)
        {
            if (version <= current)
            {
                continue;
            }

            // One transaction per script: a crash mid-migration leaves the previous version intact.
            connection.Execute("BEGIN IMMEDIATE");
            try
            {
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = sql + $"\nPRAGMA user_version = {version};";
                    command.ExecuteNonQuery();
                }

                connection.Execute("COMMIT");
                applied.Add(version);
            }
            catch (Exception e)
            {
                connection.Execute("ROLLBACK");
                throw new InvalidOperationException($"ledger migration {version} ({name}) failed: {e.Message}", e);
            }
        }

        return applied;
    }

    private static List<(int, string, string)> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        var scripts = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith("migrations/", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource["migrations/".Length..];
            var version = int.Parse(file.AsSpan(0, 4), provider: System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, Path.GetFileNameWithoutExtension(file), reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Item1 != i + 1)
            {
                throw new InvalidOperationException($"ledger migrations must be numbered 1..n without gaps; found {scripts[i].Item1} at position {i + 1}");
            }
        }

        return scripts;
    }
}

/// <summary>The ledger file was written by a newer edgejobs.</summary>
public sealed class LedgerVersionException(string message) : Exception(message);

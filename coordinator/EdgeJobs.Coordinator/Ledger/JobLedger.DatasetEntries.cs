using Dapper;
using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

// The dataset index: one row per file. Each change of an entry and the dataset's bytes_used and
// entry_count happen in one transaction, so the quota check reads one row and is never stale.
public sealed partial class JobLedger
{
    /// <summary>
    /// Past any path: 256 times U+10FFFF, the largest UTF-8 sequence, is longer than a whole path may be
    /// (<see cref="Protocol.Datasets.DatasetPaths.MaxPathBytes"/>), so <c>prefix + this</c> is above every path
    /// that starts with the prefix and a listing by prefix is one range of the primary key.
    /// </summary>
    private static readonly string s_pastAnyPath = string.Concat(Enumerable.Repeat("\U0010FFFF", 256));

    public async Task<DatasetEntryRow?> GetEntryAsync(string org, string dataset, string path)
    {
        await using var c = OpenReader();
        return FindEntry(c, org, dataset, path);
    }

    /// <summary>
    /// Records a file written at <paramref name="entry"/>'s path (new or replacing one), unless that would take
    /// the dataset past its quota.
    /// </summary>
    public Task<EntryWriteResult> PutEntryAsync(string org, string dataset, DatasetEntryRow entry) => WriteAsync(c => PutEntry(c, org, dataset, entry));

    private EntryWriteResult PutEntry(SqliteConnection c, string org, string dataset, DatasetEntryRow entry)
    {
        var owner = FindDataset(c, org, dataset);
        if (owner is null)
        {
            return EntryWriteResult.DatasetNotFound;
        }

        var previous = FindEntry(c, org, dataset, entry.Path);
        var delta = entry.Size - (previous?.Size ?? 0);
        if (delta > 0 && owner.ByteQuota is { } quota && owner.BytesUsed + delta > quota)
        {
            return EntryWriteResult.QuotaExceeded;
        }

        UpsertEntry(c, org, dataset, entry);
        Account(c, org, dataset, delta, previous is null ? 1 : 0);
        return EntryWriteResult.Written;
    }

    /// <summary>Writes an entry's row (new or replacing); the caller keeps the dataset's sums.</summary>
    // Not cached: what GDAL reports of a raster (raster_info) can be longer than 4000 characters (see JobLedger.Recipes'
    // SpawnStepJobs).
    [CacheCommand(false)]
    private void UpsertEntry(SqliteConnection c, string org, string dataset, DatasetEntryRow entry)
    {
        c.Execute("""
            INSERT INTO dataset_entries (org, dataset, path, type, size, sha256, mtime, indexed_at,
                                         raster_width, raster_height, raster_bands, raster_type, raster_crs, raster_bounds, raster_info)
            VALUES (@Org, @Dataset, @Path, @Type, @Size, @Sha256, @Mtime, @Now,
                    @RasterWidth, @RasterHeight, @RasterBands, @RasterType, @RasterCrs, @RasterBounds, @RasterInfo)
            ON CONFLICT (org, dataset, path) DO UPDATE SET
              type = excluded.type, size = excluded.size, sha256 = excluded.sha256, mtime = excluded.mtime, indexed_at = excluded.indexed_at,
              raster_width = excluded.raster_width, raster_height = excluded.raster_height, raster_bands = excluded.raster_bands,
              raster_type = excluded.raster_type, raster_crs = excluded.raster_crs, raster_bounds = excluded.raster_bounds, raster_info = excluded.raster_info
            """, new
            {
                Org = org, Dataset = dataset, entry.Path, entry.Type, entry.Size, entry.Sha256, entry.Mtime, Now = Now(),
                entry.RasterWidth, entry.RasterHeight, entry.RasterBands, entry.RasterType, entry.RasterCrs, entry.RasterBounds, entry.RasterInfo,
            });
    }

    /// <summary>Removes an entry from the index; returns it, or null when there was none.</summary>
    public Task<DatasetEntryRow?> DeleteEntryAsync(string org, string dataset, string path) => WriteAsync(c =>
    {
        var removed = c.QuerySingleOrDefault<DatasetEntryRow>(
            "DELETE FROM dataset_entries WHERE org = @Org AND dataset = @Dataset AND path = @Path RETURNING path, type, size, sha256, mtime",
            new { Org = org, Dataset = dataset, Path = path });
        if (removed is not null)
        {
            Account(c, org, dataset, -removed.Size, -1);
        }

        return removed;
    });

    /// <summary>
    /// Renames an entry, or a folder (every entry under <c>from/</c>) when no entry is named <paramref name="from"/>.
    /// Refused when anything already sits at <paramref name="to"/> or under <c>to/</c>. A file's type follows its new name.
    /// </summary>
    public Task<(EntryMoveResult Result, long Moved)> MoveEntriesAsync(string org, string dataset, string from, string to, string toType) => WriteAsync(c =>
    {
        if (FindDataset(c, org, dataset) is null)
        {
            return (EntryMoveResult.DatasetNotFound, 0L);
        }

        var occupied = c.ExecuteScalar<long>("""
            SELECT count(*) FROM dataset_entries WHERE org = @Org AND dataset = @Dataset
              AND (path = @To OR (path > @ToFolder AND path < @ToFolderEnd))
            """, new { Org = org, Dataset = dataset, To = to, ToFolder = to + "/", ToFolderEnd = to + "0" });
        if (occupied > 0)
        {
            return (EntryMoveResult.TargetExists, 0L);
        }

        var file = c.Execute(
            "UPDATE dataset_entries SET path = @To, type = @Type WHERE org = @Org AND dataset = @Dataset AND path = @From",
            new { Org = org, Dataset = dataset, From = from, To = to, Type = toType });
        if (file > 0)
        {
            return (EntryMoveResult.Moved, (long)file);
        }

        // '0' is the character after '/', so [from/, from0) is exactly the paths under the folder.
        var folder = c.Execute("""
            UPDATE dataset_entries SET path = @To || substr(path, length(@From) + 1)
            WHERE org = @Org AND dataset = @Dataset AND path > @FromFolder AND path < @FromFolderEnd
            """, new { Org = org, Dataset = dataset, To = to, From = from, FromFolder = from + "/", FromFolderEnd = from + "0" });
        return folder > 0 ? (EntryMoveResult.Moved, (long)folder) : (EntryMoveResult.NotFound, 0L);
    });

    // A page is one range of the primary key (or of the type index), read in order: no sort, whatever the
    // dataset's size (QueryPlanTests pins both plans).
    internal const string EntryColumns = "path, type, size, sha256, mtime, raster_width, raster_height, raster_bands, raster_type, raster_crs, raster_bounds, raster_info";

    internal const string EntriesPageSql = $"""
        SELECT {EntryColumns} FROM dataset_entries
        WHERE org = @Org AND dataset = @Dataset AND path >= @Prefix AND path < @PrefixEnd AND path > @After
        ORDER BY path LIMIT @Take
        """;

    // Named: without statistics the planner prefers the primary key (it holds every column, the type index
    // does not), which would step over every entry of the other types to fill a page of this one.
    internal const string EntriesOfTypePageSql = $"""
        SELECT {EntryColumns} FROM dataset_entries INDEXED BY dataset_entries_by_type
        WHERE org = @Org AND dataset = @Dataset AND type = @Type AND path >= @Prefix AND path < @PrefixEnd AND path > @After
        ORDER BY path LIMIT @Take
        """;

    /// <summary>A page of entries in path order: under a prefix, of one type or all, after a cursor.</summary>
    public async Task<EntryPage> ListEntriesAsync(EntryQuery query)
    {
        await using var c = OpenReader();
        var parameters = new
        {
            query.Org,
            query.Dataset,
            query.Prefix,
            PrefixEnd = query.Prefix + s_pastAnyPath,
            After = query.After ?? "",
            query.Type,
            Take = query.Limit + 1,
        };
        var rows = query.Type is null
            ? c.Query<DatasetEntryRow>(EntriesPageSql, parameters).ToRowList()
            : c.Query<DatasetEntryRow>(EntriesOfTypePageSql, parameters).ToRowList();
        if (rows.Count <= query.Limit)
        {
            return new EntryPage(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new EntryPage(rows, rows[^1].Path);
    }

    private static DatasetEntryRow? FindEntry(SqliteConnection c, string org, string dataset, string path) => c.QuerySingleOrDefault<DatasetEntryRow>(
        $"SELECT {EntryColumns} FROM dataset_entries WHERE org = @Org AND dataset = @Dataset AND path = @Path",
        new { Org = org, Dataset = dataset, Path = path });

    private static void Account(SqliteConnection c, string org, string dataset, long bytes, long entries) => c.Execute(
        "UPDATE datasets SET bytes_used = bytes_used + @Bytes, entry_count = entry_count + @Entries WHERE org = @Org AND name = @Dataset",
        new { Bytes = bytes, Entries = entries, Org = org, Dataset = dataset });
}

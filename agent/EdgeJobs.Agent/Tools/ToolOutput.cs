using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Agent.Tools;

/// <summary>
/// One output a tool writes, for the per-output progress heartbeats carry (<c>GET /v1/jobs/{id}/progress</c>).
/// Bytes and files are read from the file itself when a heartbeat is built, so a tool pays nothing for them
/// and GDAL's writes are counted whoever does them; the tool reports only the units of work it counts
/// (strips, blocks), when it knows their total.
/// </summary>
public sealed class ToolOutput
{
    private readonly Lock _gate = new();
    private long _blocksDone;
    private long? _blocksTotal;
    private long _bytes;
    private int _files;
    private bool _sealed;

    internal ToolOutput(string name, string path)
    {
        Name = name;
        Path = path;
    }

    /// <summary>The key in the job's progress: the file name the artifact is offered under.</summary>
    public string Name { get; }

    /// <summary>Where the tool writes the output, in its work dir.</summary>
    public string Path { get; }

    /// <summary>Units of work done on the output of <paramref name="total"/>. Cheap: only remembered until the next heartbeat.</summary>
    public void SetBlocks(long done, long total)
    {
        lock (_gate)
        {
            _blocksDone = done;
            _blocksTotal = total;
        }
    }

    /// <summary>The report as things stand: the file is looked at now, unless the attempt has ended.</summary>
    internal OutputReport Report()
    {
        lock (_gate)
        {
            if (!_sealed)
            {
                Measure();
            }

            return new OutputReport(Name, _bytes, _blocksDone, _blocksTotal ?? OutputReport.UnknownTotal, _files);
        }
    }

    /// <summary>
    /// Takes the file's final size as the tool left it and keeps it: afterwards the file is moved to the outbox
    /// (or the work dir removed), and the attempt's result must still say what was written.
    /// </summary>
    internal void Seal()
    {
        lock (_gate)
        {
            if (!_sealed)
            {
                Measure();
                _sealed = true;
            }
        }
    }

    private void Measure()
    {
        var file = new FileInfo(Path);
        if (file.Exists)
        {
            _bytes = file.Length;
            _files = 1;
        }
    }
}

using EdgeJobs.Agent.Kernels;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Rasters;

/// <summary>One thread's share of a <c>raster-export</c>: its own input handle and strip buffers.</summary>
internal sealed class ExportWorker : IDisposable
{
    private readonly ExportPlan _plan;
    private readonly int _width;
    private readonly GdalDataset _source;
    private readonly GdalBand[] _bands;
    private readonly float[][] _rows;
    private readonly float[] _result;
    private readonly float[]? _scratch;
    private readonly byte[][] _bytes;
    private readonly byte[][] _colors;

    public ExportWorker(string path, ExportPlan plan, int width)
    {
        _plan = plan;
        _width = width;
        _source = GdalDataset.OpenRead(path);
        _bands = [.. plan.ReadBands.Select(_source.GetBand)];
        var pixels = plan.RowsPerStrip(width) * width;
        _rows = [.. plan.ReadBands.Select(_ => new float[pixels])];
        _result = plan.Program is not null ? new float[pixels] : [];
        _scratch = plan.Program?.CreateScratch();
        // One stretched plane per value band: the formula's result, or each band read.
        var valueBands = plan.Program is not null ? 1 : plan.ReadBands.Count;
        _bytes = plan.Stretch is not null ? [.. Enumerable.Range(0, valueBands).Select(_ => new byte[pixels])] : [];
        _colors = plan.ColorTable is not null ? [.. Enumerable.Range(0, plan.OutputBands).Select(_ => new byte[pixels])] : [];
    }

    /// <summary>
    /// Reads, computes and writes rows [y, y + rows); the writes to the shared output go one thread at a
    /// time. A stop is checked between the steps, not only between strips: under load one strip's read,
    /// formula and turn at the writer's lock can each take a second.
    /// </summary>
    public void Process(int y, int rows, GdalDataset output, Lock gate, CancellationToken cancellation)
    {
        var n = rows * _width;
        for (var i = 0; i < _bands.Length; i++)
        {
            _bands[i].Read<float>(0, y, _width, rows, _rows[i]);
        }

        cancellation.ThrowIfCancellationRequested();
        if (_plan.Program is { } program)
        {
            program.Evaluate(_rows, n, _result, _scratch!);
            for (var i = 0; i < _rows.Length; i++)
            {
                if (!float.IsNaN(_plan.ReadNoData[i]))
                {
                    PixelKernel.MaskNoData(_rows[i].AsSpan(0, n), _plan.ReadNoData[i], _result, _plan.ResultNoData);
                }
            }
        }

        // The values: the formula's result, or each band read. Stretched and coloured here, outside the lock.
        var values = _plan.Program is not null ? [_result] : _rows;
        var valueNoData = _plan.Program is not null ? [_plan.ResultNoData] : _plan.ReadNoData;
        if (_plan.Stretch is { } s)
        {
            for (var k = 0; k < values.Length; k++)
            {
                var noData = _plan.HasNoData(k) ? valueNoData[k] : float.NaN;
                PixelKernel.Rescale(values[k].AsSpan(0, n), s[0], s[1], s[2], s[3], _bytes[k], noData, noDataByte: 0);
                if (_plan.ColorTable is { } table)
                {
                    PixelKernel.Colorize(_bytes[k].AsSpan(0, n), table, _colors[0], _colors[1], _colors[2], values[k].AsSpan(0, n), noData, _plan.Alpha ? _colors[3] : default);
                }
            }
        }

        cancellation.ThrowIfCancellationRequested();
        lock (gate)
        {
            cancellation.ThrowIfCancellationRequested();
            var planes = _plan.ColorTable is not null ? _colors : _bytes;
            for (var b = 0; b < _plan.OutputBands; b++)
            {
                using var band = output.GetBand(b + 1);
                if (_plan.Stretch is null)
                {
                    band.Write<float>(0, y, _width, rows, values[b].AsSpan(0, n));
                }
                else
                {
                    band.Write<byte>(0, y, _width, rows, planes[b].AsSpan(0, n));
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var band in _bands)
        {
            band.Dispose();
        }

        _source.Dispose();
    }
}

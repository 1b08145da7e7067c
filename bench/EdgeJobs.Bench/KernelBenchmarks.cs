using BenchmarkDotNet.Attributes;
using EdgeJobs.Agent.Kernels;
using EdgeJobs.Catalog.Expressions;
using EdgeJobs.Catalog.Rasters;

namespace EdgeJobs.Bench;

/// <summary>
/// NDVI on cached data, one core: per-pixel time (pixels/s = 1e9 / ns), allocation must be zero.
/// UInt16 inputs are widened per row, as a tool reading UInt16 blocks would.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class KernelBenchmarks
{
    public const int Pixels = 1 << 20;
    private const int Row = 8192;

    private float[] _nir = null!;
    private float[] _red = null!;
    private ushort[] _nir16 = null!;
    private ushort[] _red16 = null!;
    private float[] _out = null!;
    private float[] _rowA = null!;
    private float[] _rowB = null!;
    private ExpressionProgram _ndvi = null!;
    private ExpressionProgram _evi = null!;
    private float[][] _bands2 = null!;
    private float[][] _bands3 = null!;
    private float[] _scratchNdvi = null!;
    private float[] _scratchEvi = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _nir = [.. Enumerable.Range(0, Pixels).Select(_ => (float)random.Next(1, 10000))];
        _red = [.. Enumerable.Range(0, Pixels).Select(_ => (float)random.Next(1, 10000))];
        _nir16 = [.. _nir.Select(v => (ushort)v)];
        _red16 = [.. _red.Select(v => (ushort)v)];
        _out = new float[Pixels];
        _rowA = new float[Row];
        _rowB = new float[Row];
        _ndvi = ExpressionProgram.Compile(ExpressionParser.Parse(SpectralIndices.Expand("ndvi", new() { Red = 1, Nir = 2 })!));
        _evi = ExpressionProgram.Compile(ExpressionParser.Parse(SpectralIndices.Expand("evi", new() { Blue = 1, Red = 2, Nir = 3 })!));
        _bands2 = [_red, _nir];
        _bands3 = [_red, _red, _nir];
        _scratchNdvi = _ndvi.CreateScratch();
        _scratchEvi = _evi.CreateScratch();
    }

    [Benchmark(OperationsPerInvoke = Pixels)]
    public void NdviFloat32() => PixelKernel.Apply<NormalizedDifference>(_nir, _red, _out);

    [Benchmark(OperationsPerInvoke = Pixels)]
    public void NdviFloat32WithNoData() => PixelKernel.Apply<NormalizedDifference>(_nir, _red, _out, noDataA: 0, noDataB: 0, outputNoData: -9999);

    [Benchmark(OperationsPerInvoke = Pixels)]
    public void NdviUInt16()
    {
        for (var at = 0; at < Pixels; at += Row)
        {
            PixelKernel.Widen(_nir16.AsSpan(at, Row), _rowA);
            PixelKernel.Widen(_red16.AsSpan(at, Row), _rowB);
            PixelKernel.Apply<NormalizedDifference>(_rowA, _rowB, _out.AsSpan(at, Row));
        }
    }

    /// <summary>NDVI as raster-export runs it: the formula compiled to a vector program, then nodata masked.</summary>
    [Benchmark(OperationsPerInvoke = Pixels)]
    public void NdviExpressionWithNoData()
    {
        _ndvi.Evaluate(_bands2, Pixels, _out, _scratchNdvi);
        PixelKernel.MaskNoData(_red, 0, _out, -9999);
        PixelKernel.MaskNoData(_nir, 0, _out, -9999);
    }

    /// <summary>EVI (three bands, seven operators) through the same program.</summary>
    [Benchmark(OperationsPerInvoke = Pixels)]
    public void EviExpression() => _evi.Evaluate(_bands3, Pixels, _out, _scratchEvi);
}

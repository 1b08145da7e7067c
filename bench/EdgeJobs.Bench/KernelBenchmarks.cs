using BenchmarkDotNet.Attributes;
using EdgeJobs.Agent.Kernels;

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
}

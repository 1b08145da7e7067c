using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeJobs.Agent.Tests.Kernels;

/// <summary>
/// Which vector widths this process accelerates. scripts/test runs the kernel tests again with the wider
/// instruction sets switched off (<c>DOTNET_EnableAVX512F=0</c>, then AVX and AVX2 off, then no intrinsics),
/// each time saying in <c>EDGEJOBS_EXPECT_WIDEST_VECTOR</c> which width must then be the widest, so every path
/// of <see cref="EdgeJobs.Agent.Kernels.PixelKernel"/> is proven on a machine that has the wide ones.
/// </summary>
public class VectorWidthTests
{
    private static int Widest() =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    [Test]
    public async Task the_widest_accelerated_vector_is_the_one_this_run_expects()
    {
        var widest = Widest();
        Console.WriteLine($"widest accelerated vector: {widest} bits ({RuntimeInformation.ProcessArchitecture})");
        if (Environment.GetEnvironmentVariable("EDGEJOBS_EXPECT_WIDEST_VECTOR") is { Length: > 0 } expected)
        {
            // "256" on a machine without AVX-512 to begin with means at most 256.
            var limit = int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
            await Assert.That(widest).IsLessThanOrEqualTo(limit);
            await Assert.That(widest).IsGreaterThanOrEqualTo(Math.Min(limit, 128));
        }
        else
        {
            // x64 and ARM64 both have 128-bit vectors in their baseline (SSE2, NEON).
            await Assert.That(Vector128.IsHardwareAccelerated).IsTrue();
        }
    }
}

using EdgeJobs.Agent.Rasters;

namespace EdgeJobs.Agent.Tests.Rasters;

/// <summary>
/// How a raster is cut for its workers: strips that cover every row once, in order, and keep to the input's block rows,
/// so one worker reads (or downloads) each block.
/// </summary>
public class StripPipelineTests
{
    private static async Task CoversEveryRowOnceAsync(List<(int Y, int Rows)> strips, int height, int rowsPerStrip)
    {
        var y = 0;
        foreach (var strip in strips)
        {
            await Assert.That(strip.Y).IsEqualTo(y);
            await Assert.That(strip.Rows).IsBetween(1, rowsPerStrip);
            y += strip.Rows;
        }

        await Assert.That(y).IsEqualTo(height);
    }

    [Test]
    public async Task a_block_row_taller_than_a_strip_is_one_worker_s_unit_of_several_strips()
    {
        // 8000 rows in blocks of 512, 200 rows a strip at most: 16 units (the last one 320 rows), each of 3 strips or 2.
        var (strips, units) = StripPipeline.Plan(8000, 200, 512, 2);

        await CoversEveryRowOnceAsync(strips, 8000, 200);
        await Assert.That(units.Count).IsEqualTo(16);
        for (var u = 0; u < units.Count; u++)
        {
            var first = strips[units[u].Start.Value];
            var last = strips[units[u].End.Value - 1];
            await Assert.That(first.Y).IsEqualTo(u * 512);
            await Assert.That(last.Y + last.Rows).IsEqualTo(Math.Min(8000, (u + 1) * 512));
        }
    }

    [Test]
    public async Task a_strip_taller_than_a_block_row_holds_whole_block_rows()
    {
        // Blocks of 64 rows, 200 rows a strip at most: strips of 192 rows (3 block rows), each its own unit.
        var (strips, units) = StripPipeline.Plan(4000, 200, 64, 2);

        await CoversEveryRowOnceAsync(strips, 4000, 200);
        await Assert.That(strips.Take(strips.Count - 1).All(s => s.Rows == 192)).IsTrue();
        await Assert.That(units.All(u => u.End.Value - u.Start.Value == 1)).IsTrue();
    }

    [Test]
    public async Task an_input_of_few_tall_blocks_is_cut_as_it_comes_so_every_worker_has_work()
    {
        // One block of all 1000 rows: keeping to it would leave one worker; strips of 200 rows go to any worker.
        var (strips, units) = StripPipeline.Plan(1000, 200, 1000, 2);

        await CoversEveryRowOnceAsync(strips, 1000, 200);
        await Assert.That(strips.Count).IsEqualTo(5);
        await Assert.That(units.Count).IsEqualTo(5);
    }

    [Test]
    public async Task rows_without_blocks_are_strips_as_before()
    {
        var (strips, units) = StripPipeline.Plan(1001, 256, 1, 4);

        await CoversEveryRowOnceAsync(strips, 1001, 256);
        await Assert.That(strips.Select(s => s.Rows).ToArray()).IsEquivalentTo([256, 256, 256, 233], TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(units.Count).IsEqualTo(4);
    }
}

using System.Text.Json;
using EdgeJobs.Catalog.Tools;
using EdgeJobs.Interop.Gdal;

namespace EdgeJobs.Agent.Tools;

/// <summary><c>info</c>: reads a raster's metadata and exact per-band statistics through GDAL into <c>info.json</c>.</summary>
public sealed class InfoRunner() : GdalAgentTool<InfoParams>(InfoTool.Instance)
{
    protected override void Run(ToolContext context, InfoParams p)
    {
        var path = InputFiles.Resolve(context, "$.params.path", p.Path);
        var output = Path.Combine(context.WorkDir, "info.json");
        var name = Path.GetFileNameWithoutExtension(p.Path) + ".info.json";
        context.TrackOutput(output, name);
        context.ReportProgress(0, "opening");
        using (var dataset = GdalDataset.OpenRead(path))
        using (var file = File.Create(output))
        using (var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteInfo(json, p.Path, dataset, context);
        }

        context.Log($"read {p.Path}");
        context.SetArtifact(output, name);
    }

    private static void WriteInfo(Utf8JsonWriter json, string relativePath, GdalDataset dataset, ToolContext context)
    {
        json.WriteStartObject();
        json.WriteString("path", relativePath);
        json.WriteString("driver", dataset.Driver);
        json.WriteNumber("width", dataset.Width);
        json.WriteNumber("height", dataset.Height);
        json.WriteNumber("band_count", dataset.BandCount);
        var wkt = dataset.ProjectionWkt;
        if (wkt.Length > 0)
        {
            json.WriteString("crs_wkt", wkt);
        }
        else
        {
            json.WriteNull("crs_wkt");
        }

        if (dataset.GeoTransform is { } t)
        {
            json.WriteStartArray("geo_transform");
            foreach (var v in t)
            {
                json.WriteNumberValue(v);
            }

            json.WriteEndArray();

            // Corners through the affine transform; min/max cover rotated rasters too.
            double[] xs = [t[0], t[0] + (dataset.Width * t[1]), t[0] + (dataset.Height * t[2]), t[0] + (dataset.Width * t[1]) + (dataset.Height * t[2])];
            double[] ys = [t[3], t[3] + (dataset.Width * t[4]), t[3] + (dataset.Height * t[5]), t[3] + (dataset.Width * t[4]) + (dataset.Height * t[5])];
            json.WriteStartObject("bounds");
            json.WriteNumber("min_x", xs.Min());
            json.WriteNumber("min_y", ys.Min());
            json.WriteNumber("max_x", xs.Max());
            json.WriteNumber("max_y", ys.Max());
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("geo_transform");
            json.WriteNull("bounds");
        }

        json.WriteStartArray("bands");
        for (var i = 1; i <= dataset.BandCount; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            using var band = dataset.GetBand(i);
            var done = i - 1;
            var (min, max, mean, stdDev) = band.ComputeStatistics(
                fraction => context.ReportProgress(100.0 * (done + fraction) / dataset.BandCount, "statistics"),
                context.Cancellation);
            json.WriteStartObject();
            json.WriteNumber("band", i);
            json.WriteString("type", band.DataType);
            if (band.NoData is { } nodata)
            {
                json.WriteNumber("nodata", nodata);
            }
            else
            {
                json.WriteNull("nodata");
            }

            json.WriteNumber("min", min);
            json.WriteNumber("max", max);
            json.WriteNumber("mean", mean);
            json.WriteNumber("std_dev", stdDev);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}

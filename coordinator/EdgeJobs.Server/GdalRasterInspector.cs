using System.Globalization;
using System.Text.Json;
using EdgeJobs.Coordinator.Datasets;
using EdgeJobs.Interop.Gdal;
using EdgeJobs.Protocol.Datasets;

namespace EdgeJobs.Server;

/// <summary>
/// The dataset index's raster details through GDAL (the agent's library, in this process): size, bands, data type,
/// CRS as <c>EPSG:NNNN</c>, bounds in EPSG:4326, and the driver and geotransform in the rest. Only entries named as
/// rasters or images are opened; headers are read, never pixels. Anything GDAL cannot open is indexed without them.
/// </summary>
public sealed class GdalRasterInspector : IRasterInspector
{
    public static readonly GdalRasterInspector Instance = new();

    private GdalRasterInspector()
    {
    }

    public RasterFacts? Inspect(string path)
    {
        var type = EntryTypes.Of(path);
        if (type is not (EntryTypes.Raster or EntryTypes.Image))
        {
            return null;
        }

        try
        {
            using var dataset = GdalDataset.OpenRead(path);
            var wkt = dataset.ProjectionWkt;
            var transform = dataset.GeoTransform;
            double[]? bounds = null;
            if (transform is { } t)
            {
                var (w, h) = (dataset.Width, dataset.Height);
                double[] xs = [t[0], t[0] + (w * t[1]), t[0] + (h * t[2]), t[0] + (w * t[1]) + (h * t[2])];
                double[] ys = [t[3], t[3] + (w * t[4]), t[3] + (h * t[5]), t[3] + (w * t[4]) + (h * t[5])];
                bounds = GdalCrs.BoundsInWgs84(wkt, xs.Min(), ys.Min(), xs.Max(), ys.Max());
            }

            string dataType;
            if (dataset.BandCount > 0)
            {
                using var band = dataset.GetBand(1);
                dataType = band.DataType;
            }
            else
            {
                dataType = "None";
            }

            return new RasterFacts(dataset.Width, dataset.Height, dataset.BandCount, dataType, GdalCrs.AuthorityCode(wkt),
                bounds is null ? null : "[" + string.Join(",", bounds.Select(v => Math.Round(v, 9).ToString("R", CultureInfo.InvariantCulture))) + "]",
                Rest(dataset.Driver, transform, wkt));
        }
        catch (GdalException)
        {
            return null;
        }
        catch (GdalUnavailableException)
        {
            return null;
        }
    }

    private static string Rest(string driver, double[]? transform, string wkt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("driver", driver);
            if (transform is not null)
            {
                json.WriteStartArray("geo_transform");
                foreach (var v in transform)
                {
                    json.WriteNumberValue(v);
                }

                json.WriteEndArray();
            }

            if (wkt.Length > 0)
            {
                json.WriteString("crs_wkt", wkt);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

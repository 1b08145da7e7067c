using System.Globalization;

namespace EdgeJobs.Catalog.Rasters;

/// <summary>A rescale as DroneDB and titiler write it: <c>"min,max"</c>, or <c>"min,max,to_min,to_max"</c>.</summary>
public static class RescaleText
{
    public static (double[]? Values, string? Error) Parse(string text)
    {
        var parts = text.Split(',');
        if (parts.Length is not (2 or 4))
        {
            return (null, "must be \"min,max\" or \"min,max,to_min,to_max\", e.g. \"-1,1\"");
        }

        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                return (null, $"'{part}' is not a number: write \"min,max\" or \"min,max,to_min,to_max\", e.g. \"-1,1\"");
            }
        }

        return (values, null);
    }
}

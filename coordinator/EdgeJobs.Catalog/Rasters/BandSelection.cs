using System.Globalization;
using EdgeJobs.Catalog.Expressions;

namespace EdgeJobs.Catalog.Rasters;

/// <summary>
/// A band selection as DroneDB and titiler write it: <c>"4,3,2"</c>, the 1-based input bands to export,
/// in that order, as <c>gdal_translate -b 4 -b 3 -b 2</c> does. A band may repeat (<c>"1,1,1"</c> is a
/// grey RGB), as gdal_translate allows.
/// </summary>
public static class BandSelection
{
    public const string Example = "\"4,3,2\"";

    /// <summary>The bands of a selection, or why it is not one. Spaces around the numbers are allowed.</summary>
    public static (int[]? Bands, string? Error) Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, $"must list bands, e.g. {Example}");
        }

        var parts = text.Split(',');
        var bands = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var band))
            {
                return (null, part.Length == 0
                    ? $"has an empty entry: list band numbers separated by commas, e.g. {Example}"
                    : $"'{part}' is not a band number: list band numbers separated by commas, e.g. {Example}");
            }

            if (band is < 1 or > ExpressionParser.MaxBand)
            {
                return (null, band == 0 ? "band 0 does not exist: bands are numbered from 1" : $"band {band} is past the last band number there can be ({ExpressionParser.MaxBand})");
            }

            bands[i] = band;
        }

        return (bands, null);
    }

    public static string Format(IEnumerable<int> bands) => string.Join(",", bands.Select(b => b.ToString(CultureInfo.InvariantCulture)));
}

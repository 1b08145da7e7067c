using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Protocol.Tools;

/// <summary>Enforces <see cref="ParamRangeAttribute"/> on a deserialized params object.</summary>
internal static class ParamsRangeChecker
{
    public static void Check(object value, JsonTypeInfo typeInfo, string path, List<ViolationDto> violations)
    {
        foreach (var property in typeInfo.Properties)
        {
            if (property.Get is null || property.AttributeProvider is null)
            {
                continue;
            }

            var ranges = property.AttributeProvider.GetCustomAttributes(typeof(ParamRangeAttribute), inherit: false);
            if (ranges.Length == 0 || ranges[0] is not ParamRangeAttribute range)
            {
                continue;
            }

            var raw = property.Get(value);
            if (raw is null)
            {
                continue;
            }

            var number = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
            if (number < range.Minimum || number > range.Maximum)
            {
                violations.Add(new ViolationDto(
                    path + "." + property.Name,
                    string.Create(CultureInfo.InvariantCulture, $"must be between {range.Minimum} and {range.Maximum}")));
            }
        }
    }
}

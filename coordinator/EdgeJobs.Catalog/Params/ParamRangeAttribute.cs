namespace EdgeJobs.Catalog.Params;

/// <summary>
/// An inclusive numeric range on a params property. Exported into the catalog schema as
/// <c>minimum</c>/<c>maximum</c> and enforced at submit by the same attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ParamRangeAttribute(double minimum, double maximum) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}

namespace EdgeJobs.Catalog.Params;

/// <summary>
/// The only values a string params property accepts (case-sensitive). Exported into the catalog
/// schema as <c>enum</c> and enforced at submit by the same attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ParamAllowedValuesAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

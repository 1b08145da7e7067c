namespace EdgeJobs.Catalog.Params;

/// <summary>
/// The only values a string params property accepts (case-sensitive unless <see cref="IgnoreCase"/>).
/// Exported into the catalog schema as <c>enum</c> and enforced at submit by the same attribute. A list
/// computed from code (colour map names) comes from a derived attribute passing it to the base.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public class ParamAllowedValuesAttribute : Attribute
{
    public ParamAllowedValuesAttribute(params string[] values)
        : this(values, ignoreCase: false)
    {
    }

    protected ParamAllowedValuesAttribute(IReadOnlyList<string> values, bool ignoreCase)
    {
        Values = values;
        IgnoreCase = ignoreCase;
    }

    public IReadOnlyList<string> Values { get; }

    /// <summary>Whether "NDVI" matches "ndvi". The schema lists the values as written.</summary>
    public bool IgnoreCase { get; }

    public bool Allows(string? value) =>
        value is not null && Values.Contains(value, IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
}

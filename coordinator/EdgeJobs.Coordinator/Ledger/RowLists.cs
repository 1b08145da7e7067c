namespace EdgeJobs.Coordinator.Ledger;

internal static class RowLists
{
    /// <summary>
    /// The buffered result as a list without copying. (Dapper's own <c>AsList</c> lives on SqlMapper, whose
    /// static constructor uses reflection that Native AOT cannot support; touching it would pull that in.)
    /// </summary>
    public static List<T> ToRowList<T>(this IEnumerable<T> rows) => rows as List<T> ?? [.. rows];
}

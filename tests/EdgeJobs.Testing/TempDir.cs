namespace EdgeJobs.Testing;

/// <summary>A fresh directory under the system temp dir (or <c>under</c> another), removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
        : this(System.IO.Path.GetTempPath())
    {
    }

    public TempDir(string under)
    {
        Path = System.IO.Path.Combine(under, "edgejobs-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

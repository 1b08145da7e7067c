namespace EdgeJobs.Catalog.Exec;

/// <summary>Reads every <c>*.json</c> of a tools dir (not its subfolders: <c>examples/</c> stays out), all or nothing.</summary>
public static class ExecManifestDirectory
{
    /// <summary>The directory's manifests in file-name order.</summary>
    /// <exception cref="ExecManifestException">the first bad manifest, or an id two files both take.</exception>
    public static IReadOnlyList<ExecManifest> Load(string directory, IReadOnlySet<string> reservedIds)
    {
        if (!Directory.Exists(directory))
        {
            throw new ExecManifestException(directory, 0, "the tools dir does not exist");
        }

        var manifests = new List<ExecManifest>();
        var byId = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (IOException e)
            {
                throw new ExecManifestException(path, 0, e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new ExecManifestException(path, 0, e.Message);
            }

            var manifest = ExecManifest.Parse(text, path, reservedIds);
            if (byId.TryGetValue(manifest.Id, out var other))
            {
                throw new ExecManifestException(path, JsonLines.LineOf(System.Text.Encoding.UTF8.GetBytes(text), ["id"]), $"id '{manifest.Id}' is also the id of {other}");
            }

            byId[manifest.Id] = path;
            manifests.Add(manifest);
        }

        return manifests;
    }
}

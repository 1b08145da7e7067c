using System.Runtime.InteropServices;

namespace EdgeJobs.Interop.Gdal;

/// <summary>A NULL-terminated array of UTF-8 strings (GDAL's CSL lists such as creation options), freed on dispose.</summary>
internal sealed class CslStringList : IDisposable
{
    private readonly IntPtr[] _strings;
    private GCHandle _array;

    public CslStringList(IReadOnlyCollection<string> values)
    {
        _strings = new IntPtr[values.Count + 1];
        var i = 0;
        foreach (var value in values)
        {
            _strings[i++] = Marshal.StringToCoTaskMemUTF8(value);
        }

        _array = GCHandle.Alloc(_strings, GCHandleType.Pinned);
    }

    public IntPtr Pointer => _strings.Length == 1 ? IntPtr.Zero : _array.AddrOfPinnedObject();

    public void Dispose()
    {
        if (_array.IsAllocated)
        {
            _array.Free();
        }

        foreach (var s in _strings)
        {
            if (s != IntPtr.Zero)
            {
                Marshal.FreeCoTaskMem(s);
            }
        }
    }
}

package io.visutility.monitor.host.verify;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What one class file of a plugin jar declares and refers to, read with ASM without loading it.
 *
 * @param name          the class's internal name ({@code com/example/Foo})
 * @param access        its access flags
 * @param majorVersion  the class file's major version (61 is Java 17)
 * @param superName     its superclass, null for {@code java/lang/Object}
 * @param interfaces    the interfaces it implements directly
 * @param extension     whether it carries PF4J's {@code @Extension}
 * @param extensionType the value of its {@code @ExtensionType}, if it has one
 * @param publicNoArgConstructor whether it has a public constructor without arguments
 * @param references    the classes its code needs to run: supertypes, field and method types,
 *                      and what its instructions name (annotations are left out: the JVM ignores
 *                      an annotation whose class is missing)
 */
record ClassScan(String name, int access, int majorVersion, String superName, List<String> interfaces,
                 boolean extension, Optional<String> extensionType, boolean publicNoArgConstructor,
                 Set<String> references) {

    private static final String EXTENSION = "Lorg/pf4j/Extension;";
    private static final String EXTENSION_TYPE = "Lio/visutility/monitor/api/ExtensionType;";

    /** The class name as Java writes it, {@code com.example.Foo}. */
    String className() {
        return name.replace('/', '.');
    }

    boolean concrete() {
        return (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE)) == 0;
    }

    boolean isPublic() {
        return (access & Opcodes.ACC_PUBLIC) != 0;
    }

    /** Reads one class file. */
    static ClassScan read(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        Collector collector = new Collector();
        reader.accept(collector, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        collector.references.remove(collector.name);
        return new ClassScan(collector.name, collector.access, collector.major, collector.superName,
                collector.interfaces, collector.extension, Optional.ofNullable(collector.extensionType),
                collector.publicNoArg, collector.references);
    }

    /** Walks one class file; not shared. */
    private static final class Collector extends ClassVisitor {
        final Set<String> references = new TreeSet<>();
        String name;
        int access;
        int major;
        String superName;
        List<String> interfaces = List.of();
        boolean extension;
        String extensionType;
        boolean publicNoArg;

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            this.major = version & 0xFFFF;
            this.access = access;
            this.name = name;
            this.superName = superName;
            this.interfaces = interfaces == null ? List.of() : List.of(interfaces);
            addInternal(superName);
            this.interfaces.forEach(this::addInternal);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            if (descriptor.equals(EXTENSION)) {
                extension = true;
            } else if (descriptor.equals(EXTENSION_TYPE)) {
                return new AnnotationVisitor(Opcodes.ASM9) {
                    @Override
                    public void visit(String key, Object value) {
                        if ("value".equals(key)) {
                            extensionType = String.valueOf(value);
                        }
                    }
                };
            }
            return null;
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            addDescriptor(descriptor);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            if (name.equals("<init>") && descriptor.equals("()V") && (access & Opcodes.ACC_PUBLIC) != 0) {
                publicNoArg = true;
            }
            addDescriptor(descriptor);
            if (exceptions != null) {
                for (String exception : exceptions) {
                    addInternal(exception);
                }
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitTypeInsn(int opcode, String type) {
                    addInternal(type);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                    addInternal(owner);
                    addDescriptor(descriptor);
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                                            boolean isInterface) {
                    addInternal(owner);
                    addDescriptor(descriptor);
                }

                @Override
                public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap,
                                                   Object... arguments) {
                    addDescriptor(descriptor);
                    addConstant(bootstrap);
                    for (Object argument : arguments) {
                        addConstant(argument);
                    }
                }

                @Override
                public void visitLdcInsn(Object value) {
                    addConstant(value);
                }

                @Override
                public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
                    addDescriptor(descriptor);
                }

                @Override
                public void visitTryCatchBlock(org.objectweb.asm.Label start, org.objectweb.asm.Label end,
                                               org.objectweb.asm.Label handler, String type) {
                    addInternal(type);
                }
            };
        }

        private void addConstant(Object constant) {
            if (constant instanceof Type type) {
                addType(type);
            } else if (constant instanceof Handle handle) {
                addInternal(handle.getOwner());
                addDescriptor(handle.getDesc());
            } else if (constant instanceof ConstantDynamic dynamic) {
                addDescriptor(dynamic.getDescriptor());
                addConstant(dynamic.getBootstrapMethod());
                for (int i = 0; i < dynamic.getBootstrapMethodArgumentCount(); i++) {
                    addConstant(dynamic.getBootstrapMethodArgument(i));
                }
            }
        }

        private void addInternal(String internalName) {
            if (internalName != null) {
                addType(Type.getObjectType(internalName));
            }
        }

        private void addDescriptor(String descriptor) {
            addType(Type.getType(descriptor));
        }

        private void addType(Type type) {
            switch (type.getSort()) {
                case Type.METHOD -> {
                    for (Type argument : type.getArgumentTypes()) {
                        addType(argument);
                    }
                    addType(type.getReturnType());
                }
                case Type.ARRAY -> addType(type.getElementType());
                case Type.OBJECT -> references.add(type.getInternalName());
                default -> {
                    // a primitive: nothing to resolve
                }
            }
        }
    }
}
